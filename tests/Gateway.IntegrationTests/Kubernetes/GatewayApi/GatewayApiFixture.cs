using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;

namespace Gateway.IntegrationTests.Kubernetes.GatewayApi;

/// <summary>
/// One fake API server, three echo backends (Services v1, v2, v3 in namespace <see cref="Namespace"/>) and one gateway
/// for a whole test class: every case's objects are applied up front, each case on its own hostname, so the many cases
/// cost one start-up.
/// </summary>
public abstract class GatewayApiFixture : IAsyncLifetime
{
    public const string Namespace = "infra";

    private readonly List<TestBackend> _backends = [];

    public FakeKubernetesApiServer Api { get; private set; } = null!;

    public KubernetesGateway Gateway { get; private set; } = null!;

    /// <summary>The YAML of the objects the class needs besides the GatewayClass, Services and EndpointSlices.</summary>
    protected abstract string Objects { get; }

    /// <summary>HTTPRoutes (namespace/name) that must be accepted before the tests run.</summary>
    protected abstract IEnumerable<string> AcceptedRoutes { get; }

    public async Task InitializeAsync()
    {
        Api = await FakeKubernetesApiServer.StartAsync();
        foreach (var name in new[] { "v1", "v2", "v3" })
        {
            var backend = await TestBackend.StartAsync(name);
            _backends.Add(backend);
            Apply($$"""
                apiVersion: v1
                kind: Service
                metadata: { name: {{name}} }
                spec: { ports: [ { name: http, port: 8080, targetPort: http } ] }
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: { name: {{name}}-x1, labels: { kubernetes.io/service-name: {{name}} } }
                addressType: IPv4
                ports: [ { name: http, port: {{new Uri(backend.Url).Port}} } ]
                endpoints: [ { addresses: [ 127.0.0.1 ], conditions: { ready: true } } ]
                """);
        }

        Apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: { name: mlgateway }
            spec: { controllerName: mlgateway.io/gateway-controller }
            """);
        Apply(Objects);
        Gateway = await KubernetesGateway.StartAsync(Api);
        foreach (var route in AcceptedRoutes)
        {
            await Eventually.TrueAsync(() => Task.FromResult(RouteCondition(route, "Accepted")?["status"]?.GetValue<string>() == "True"), $"HTTPRoute {route} to be accepted");
        }
    }

    /// <summary>The loopback port of echo backend <paramref name="name"/> (v1, v2 or v3).</summary>
    public int PortOf(string name) => new Uri(_backends.Single(b => b.Name == name).Url).Port;

    public void Apply(string yaml, string ns = Namespace)
    {
        foreach (var item in YamlObjects.Load(yaml, ns))
        {
            Api.Apply(item);
        }
    }

    /// <summary>The condition of <paramref name="type"/> our controller wrote on the route's first parent, as stored by the API server.</summary>
    public JsonObject? RouteCondition(string route, string type)
    {
        var (ns, name) = (route.Split('/')[0], route.Split('/')[1]);
        var parents = Api.Get("httproutes", ns, name)?["status"]?["parents"]?.AsArray();
        return parents?
            .Where(p => (string?)p!["controllerName"] == "mlgateway.io/gateway-controller")
            .SelectMany(p => p!["conditions"]!.AsArray())
            .OfType<JsonObject>()
            .FirstOrDefault(c => (string?)c["type"] == type);
    }

    /// <summary>Sends a request with the given host, path and headers; returns the status and, for a 200, the echo.</summary>
    public async Task<(HttpStatusCode Status, BackendEcho? Echo, HttpResponseMessage Response)> SendAsync(
        string host, string path, HttpMethod? method = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path) { Headers = { Host = host } };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await Gateway.Gateway.Client.SendAsync(request);
        var echo = response.StatusCode == HttpStatusCode.OK ? await BackendEcho.ReadAsync(response) : null;
        return (response.StatusCode, echo, response);
    }

    /// <summary>The backend that answered, or the status code as text.</summary>
    public async Task<string> AnswerAsync(string host, string path, HttpMethod? method = null, params (string Name, string Value)[] headers)
    {
        var (status, echo, response) = await SendAsync(host, path, method, headers);
        response.Dispose();
        return echo?.Backend ?? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Api.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }
}
