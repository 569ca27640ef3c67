using Gateway.Sources.Kubernetes.Istio;

namespace Gateway.Tests.Sources.Kubernetes.Istio;

public sealed class IstioProcessorTests
{
    private const string Yaml = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ml-service, namespace: models, uid: "1234"}
        spec:
          hosts: [ml-service]
          http:
            - match: [{uri: {prefix: /a}, scheme: {exact: https}}]
              route: [{destination: {host: ml-service}}]
            - route: [{destination: {host: ml-service}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ml-service, namespace: models}
        spec:
          ports: [{name: http, port: 80}]
        """;

    [Fact]
    public void A_problem_is_logged_and_posted_once_per_object_however_often_the_model_is_rebuilt()
    {
        using var logs = new ListLoggerProvider();
        var events = new List<(string Object, string Reason, string Message)>();
        var fixture = IstioFixture.FromYaml(Yaml);
        var processor = new IstioProcessor(fixture.Options, logs.CreateLogger("istio"), (obj, reason, message) => events.Add((obj.Metadata.Name, reason, message)));

        var first = fixture.Build(processor);
        var second = fixture.Build(processor);

        // Unchanged input: the same snapshot, so the publisher has nothing to apply.
        Assert.Same(first, second);
        Assert.Single(first.Model.Routes);
        var warning = Assert.Single(first.Warnings);
        Assert.Equal("spec.http[0].match[0].scheme", warning.Field);
        Assert.Single(logs.Messages, m => m.Contains("spec.http[0].match[0].scheme", StringComparison.Ordinal));
        var posted = Assert.Single(events);
        Assert.Equal("ml-service", posted.Object);
        Assert.StartsWith("spec.http[0].match[0].scheme: is not supported", posted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VirtualServices_for_other_gateways_are_not_read_at_all()
    {
        var fixture = IstioFixture.FromYaml(Yaml.Replace("  hosts: [ml-service]", "  hosts: [ml-service]\n  gateways: [other/gateway]", StringComparison.Ordinal));

        var snapshot = fixture.Build();

        Assert.Empty(snapshot.Model.Routes);
        Assert.Empty(snapshot.Warnings);
    }

    [Theory]
    [InlineData("istio-system/edge-gateway", "istio-system", "edge-gateway", true)]
    [InlineData("istio-system/edge-gateway", "models", "istio-system/edge-gateway", true)]
    [InlineData("istio-system/edge-gateway", "models", "edge-gateway", false)]
    [InlineData("istio-system/edge-gateway", "models", "edge-gateway.istio-system.svc.cluster.local", true)]
    [InlineData("edge-gateway", "models", "other/edge-gateway", true)]
    [InlineData("edge-gateway", "models", "other/internal", false)]
    public void Gateway_names_match_as_documented(string configured, string ns, string reference, bool matches) =>
        Assert.Equal(matches, IstioHosts.NamesConfiguredGateway(reference, ns, [configured]));
}
