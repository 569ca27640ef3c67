using Gateway.Tests.Sources.Kubernetes.GatewayApi;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes.GatewayApi;

/// <summary>A cluster without the Gateway API CRDs: the gateway starts and is ready, and serves HTTPRoutes once they are installed.</summary>
public sealed class GatewayApiCrdTests : KubernetesTest
{
    [Fact]
    public async Task Missing_CRDs_do_not_block_readiness_and_are_picked_up_once_installed()
    {
        Api.ServeGroup("gateway.networking.k8s.io", false);
        Api.Apply(Service("model-a", exposed: false));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        foreach (var item in YamlObjects.Load(
            OurGateway.Yaml + """

            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: { name: predict }
            spec:
              parentRefs: [ { name: gw } ]
              rules: [ { matches: [ { path: { value: /predict } } ], backendRefs: [ { name: model-a, port: 80 } ] } ]
            """,
            Namespace))
        {
            Api.Apply(item);
        }

        await using var k8s = await KubernetesGateway.StartAsync(Api, extraArgs: "--Gateway:Kubernetes:GatewayApi:MissingCrdRetry=00:00:00.200");
        Assert.Equal("404", await k8s.AnswerAsync("/predict"));

        Api.ServeGroup("gateway.networking.k8s.io", true);

        await k8s.WaitForAnswerAsync("/predict", "a");
    }
}
