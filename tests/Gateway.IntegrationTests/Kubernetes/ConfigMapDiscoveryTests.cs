using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>The gateway ConfigMap, read through the API, holds the same JSON as appsettings' Gateway section.</summary>
public sealed class ConfigMapDiscoveryTests : KubernetesTest
{

    private static string Gateway(string path, TestBackend backend) => JsonSerializer.Serialize(new
    {
        Routes = new[] { new { Name = "from-configmap", Matches = new[] { new { Path = path } }, Backends = new[] { backend.Name } } },
        Backends = new Dictionary<string, object> { [backend.Name] = new { Endpoints = new[] { backend.Url } } },
    });

    [Fact]
    public async Task ConfigMap_changes_update_routes()
    {
        Api.Apply(ConfigMap(KubernetesGateway.ConfigMapName, KubernetesGateway.ConfigMapKey, Gateway("/chat", A)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        Assert.Equal("a", await k8s.AnswerAsync("/chat"));

        Api.Apply(ConfigMap(KubernetesGateway.ConfigMapName, KubernetesGateway.ConfigMapKey, Gateway("/chat", B)));
        await k8s.WaitForAnswerAsync("/chat", "b");

        Api.Delete("configmaps", Namespace, KubernetesGateway.ConfigMapName);
        await k8s.WaitForAnswerAsync("/chat", "404");
    }

    [Fact]
    public async Task Invalid_ConfigMap_is_rejected_and_the_previous_one_keeps_serving()
    {
        Api.Apply(ConfigMap(KubernetesGateway.ConfigMapName, KubernetesGateway.ConfigMapKey, Gateway("/chat", A)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        Api.Apply(ConfigMap(KubernetesGateway.ConfigMapName, KubernetesGateway.ConfigMapKey, """{ "Routes": [ { "Name": "x", "Matchs": [] } ] }"""));
        await Eventually.TrueAsync(async () => (await k8s.ConfigAsync())["lastRejected"] is not null, "the change to be rejected");

        var rejected = (await k8s.ConfigAsync())["lastRejected"]!;
        Assert.Equal("configmap default/gateway-config", rejected["source"]!.GetValue<string>());
        Assert.Contains("Matchs", rejected["problems"]!.ToJsonString());
        Assert.Equal("a", await k8s.AnswerAsync("/chat"));
    }

    [Fact]
    public async Task ConfigMap_route_wins_over_a_discovered_route_for_the_same_path_and_the_conflict_is_reported()
    {
        Api.Apply(Service("chat"));
        Api.Apply(EndpointSlice("chat-x1", "chat", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(ConfigMap(KubernetesGateway.ConfigMapName, KubernetesGateway.ConfigMapKey, Gateway("/chat", A)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        await k8s.WaitForAnswerAsync("/chat", "a");
        Assert.Contains(
            "kubernetes services: route 'service/default/chat', field 'Matches': takes the same requests as route 'from-configmap' from configmap default/gateway-config, which takes precedence",
            await k8s.WarningsAsync());

        // Once the ConfigMap no longer claims the path, the discovered route serves it.
        Api.Apply(ConfigMap(KubernetesGateway.ConfigMapName, KubernetesGateway.ConfigMapKey, Gateway("/other", A)));
        await k8s.WaitForAnswerAsync("/chat", "b");
    }
}
