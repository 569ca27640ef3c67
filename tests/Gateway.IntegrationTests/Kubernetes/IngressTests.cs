using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static Gateway.IntegrationTests.Kubernetes.IngressObjects;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// ingress-nginx Ingresses in a fake API server, served by the real gateway through the real Kubernetes client to real
/// loopback backends: the seeds' manifests as kustomize renders them, and the annotations users migrate with.
/// </summary>
public sealed class IngressTests : KubernetesTest
{
    private const string Nginx = "nginx.ingress.kubernetes.io/";

    [Fact]
    public async Task Seed_000_routes_service_a_and_service_b_with_rewrite_target_slash()
    {
        foreach (var item in await ExampleAsync("000-path-routing-ingress"))
        {
            Api.Apply(item);
        }

        Api.Apply(EndpointSlice("service-a-x1", "service-a", PortOf(A.Url), ns: "models", endpoints: Endpoint.ReadyPod));
        Api.Apply(EndpointSlice("service-b-x1", "service-b", PortOf(B.Url), ns: "models", endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await k8s.WaitForAnswerAsync("/service-b", "b");

        // rewrite-target "/" replaces the whole path, as nginx's rewrite does; the query string stays.
        foreach (var (path, backend) in new[] { ("/service-a", "a"), ("/service-a/v1/predict?x=1", "a"), ("/service-b/", "b") })
        {
            using var response = await k8s.Gateway.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var echo = await BackendEcho.ReadAsync(response);
            Assert.Equal((backend, "/"), (echo.Backend, echo.Path));
            Assert.Equal(path.Contains('?', StringComparison.Ordinal) ? "?x=1" : "", echo.Query);
        }

        Assert.Equal("404", await k8s.AnswerAsync("/service-c"));
    }

    [Fact]
    public async Task Rewrite_target_captures_keep_the_rest_of_the_path()
    {
        Api.Apply(Service("web", exposed: false));
        Api.Apply(EndpointSlice("web-x1", "web", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Ingress("rewrite", new() { [Nginx + "use-regex"] = "true", [Nginx + "rewrite-target"] = "/$2" }, paths: ("/something(/|$)(.*)", "web", 80)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await k8s.WaitForAnswerAsync("/something", "a");

        foreach (var (path, expected) in new[] { ("/something", "/"), ("/something/", "/"), ("/something/new/x", "/new/x"), ("/SOMETHING/upper", "/upper") })
        {
            using var response = await k8s.Gateway.Client.GetAsync(path);
            Assert.Equal(expected, (await BackendEcho.ReadAsync(response)).Path);
        }
    }

    [Fact]
    public async Task Canary_annotations_split_by_weight_and_headers_and_cookies_override()
    {
        Api.Apply(Service("stable", exposed: false));
        Api.Apply(Service("canary", exposed: false));
        Api.Apply(EndpointSlice("stable-x1", "stable", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(EndpointSlice("canary-x1", "canary", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Ingress("predict", paths: ("/predict", "stable", 80)));
        Api.Apply(Ingress("predict-canary", new()
        {
            [Nginx + "canary"] = "true",
            [Nginx + "canary-weight"] = "20",
            [Nginx + "canary-by-header"] = "X-Canary",
            [Nginx + "canary-by-cookie"] = "use_canary",
        }, paths: ("/predict", "canary", 80)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await Eventually.TrueAsync(async () => await k8s.AnswerAsync("/predict") == "b", "the canary to get requests");

        const int Total = 1500;
        var canary = 0;
        for (var i = 0; i < Total; i++)
        {
            canary += await k8s.AnswerAsync("/predict") == "b" ? 1 : 0;
        }

        Assert.InRange(canary * 100.0 / Total, 17.0, 23.0);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("b", await AnswerWithAsync(k8s, "X-Canary", "always"));
            Assert.Equal("a", await AnswerWithAsync(k8s, "X-Canary", "never"));
            Assert.Equal("b", await AnswerWithAsync(k8s, "Cookie", "use_canary=always"));
            Assert.Equal("a", await AnswerWithAsync(k8s, "Cookie", "use_canary=never"));
        }

        // Header before cookie, as ingress-nginx orders them.
        using var both = new HttpRequestMessage(HttpMethod.Get, "/predict") { Headers = { { "X-Canary", "never" }, { "Cookie", "use_canary=always" } } };
        using var response = await k8s.Gateway.Client.SendAsync(both);
        Assert.Equal("a", (await BackendEcho.ReadAsync(response)).Backend);
    }

    [Fact]
    public async Task A_snippet_is_reported_on_config_and_as_an_event_and_never_applied()
    {
        Api.Apply(Service("web", exposed: false));
        Api.Apply(EndpointSlice("web-x1", "web", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Ingress("snippet", new() { [Nginx + "configuration-snippet"] = "more_set_headers \"X-Snippet: ran\";" }, paths: ("/snippet", "web", 80)));
        Api.Apply(Ingress("plain", new() { [Nginx + "enable-access-log"] = "false" }, paths: ("/plain", "web", 80)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        // The other Ingress is served, with its harmless unsupported annotation reported as a warning.
        await k8s.WaitForAnswerAsync("/plain", "a");
        Assert.Equal("404", await k8s.AnswerAsync("/snippet"));
        var warnings = await k8s.WarningsAsync();
        Assert.Contains("Ingress 'default/snippet', field 'metadata.annotations[nginx.ingress.kubernetes.io/configuration-snippet]': holds nginx configuration code, which the gateway never evaluates", warnings, StringComparison.Ordinal);
        Assert.Contains("Ingress 'default/plain', field 'metadata.annotations[nginx.ingress.kubernetes.io/enable-access-log]': is not supported", warnings, StringComparison.Ordinal);

        await Eventually.TrueAsync(() => Task.FromResult(Api.Created("events").Any(e => IsEventAbout(e, "snippet", "IngressRejected", "configuration-snippet"))), "a Warning Event on the snippet Ingress");
        await Eventually.TrueAsync(() => Task.FromResult(Api.Created("events").Any(e => IsEventAbout(e, "plain", "IngressWarning", "enable-access-log"))), "a Warning Event on the plain Ingress");
        using var plain = await k8s.Gateway.Client.GetAsync("/plain");
        Assert.False(plain.Headers.Contains("X-Snippet"));
    }

    [Fact]
    public async Task Allowlist_source_range_refuses_other_clients_with_403()
    {
        Api.Apply(Service("web", exposed: false));
        Api.Apply(EndpointSlice("web-x1", "web", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Ingress("office", new() { [Nginx + "allowlist-source-range"] = "10.0.0.0/8, 192.168.0.0/16" }, paths: ("/office", "web", 80)));
        Api.Apply(Ingress("local", new() { [Nginx + "whitelist-source-range"] = "127.0.0.0/8" }, paths: ("/local", "web", 80)));
        Api.Apply(Ingress("denied", new() { [Nginx + "denylist-source-range"] = "127.0.0.1" }, paths: ("/denied", "web", 80)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await k8s.WaitForAnswerAsync("/local", "a");

        var before = A.RequestCount;
        Assert.Equal("403", await k8s.AnswerAsync("/office"));
        Assert.Equal("403", await k8s.AnswerAsync("/denied"));
        Assert.Equal(before, A.RequestCount);
    }

    [Fact]
    public async Task Limit_connections_refuses_a_client_with_too_many_requests_in_flight_unless_allowlisted()
    {
        Api.Apply(Service("web", exposed: false));
        Api.Apply(EndpointSlice("web-x1", "web", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Ingress("slow", new() { [Nginx + "limit-connections"] = "2" }, paths: ("/slow", "web", 80)));
        Api.Apply(Ingress("trusted", new() { [Nginx + "limit-connections"] = "1", [Nginx + "limit-allowlist"] = "127.0.0.0/8" }, paths: ("/trusted", "web", 80)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await k8s.WaitForAnswerAsync("/slow", "a");
        await k8s.WaitForAnswerAsync("/trusted", "a");

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        A.Handler = async context =>
        {
            Interlocked.Increment(ref arrived);
            await release.Task;
            await context.Response.WriteAsync("done");
        };
        var held = new[] { k8s.Gateway.Client.GetAsync("/slow"), k8s.Gateway.Client.GetAsync("/slow") };
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref arrived) == 2), "two requests to be in flight");

        Assert.Equal("503", await k8s.AnswerAsync("/slow"));

        // The allowlisted client (loopback) is never counted: two requests in flight on a path that allows one.
        var trusted = new[] { k8s.Gateway.Client.GetAsync("/trusted"), k8s.Gateway.Client.GetAsync("/trusted") };
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref arrived) == 4), "both allowlisted requests to be in flight");
        release.SetResult();
        foreach (var response in await Task.WhenAll([.. held, .. trusted]))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        using var after = await k8s.Gateway.Client.GetAsync("/slow");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Cors_preflights_are_answered_by_the_gateway_and_responses_carry_the_headers()
    {
        Api.Apply(Service("web", exposed: false));
        Api.Apply(EndpointSlice("web-x1", "web", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Ingress("cors", new()
        {
            [Nginx + "enable-cors"] = "true",
            [Nginx + "cors-allow-origin"] = "https://app.example.com, https://*.example.org",
            [Nginx + "cors-expose-headers"] = "X-Request-Id",
            [Nginx + "cors-max-age"] = "600",
        }, paths: ("/api", "web", 80)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await k8s.WaitForAnswerAsync("/api", "a");

        var before = A.RequestCount;
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/predict")
        {
            Headers = { { "Origin", "https://ui.example.org" }, { "Access-Control-Request-Method", "POST" }, { "Access-Control-Request-Headers", "content-type" } },
        };
        using var answer = await k8s.Gateway.Client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("https://ui.example.org", Header(answer, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(answer, "Access-Control-Allow-Credentials"));
        Assert.Equal("GET, PUT, POST, DELETE, PATCH, OPTIONS", Header(answer, "Access-Control-Allow-Methods"));
        Assert.Contains("Content-Type", Header(answer, "Access-Control-Allow-Headers"), StringComparison.Ordinal);
        Assert.Equal("600", Header(answer, "Access-Control-Max-Age"));
        Assert.Equal(before, A.RequestCount);

        // The backend's own CORS header is replaced, not duplicated; its Vary is kept, with Origin added.
        A.Handler = context =>
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            context.Response.Headers.Vary = "Accept-Encoding";
            return context.Response.WriteAsync("ok");
        };
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/predict") { Headers = { { "Origin", "https://app.example.com" } } };
        using var response = await k8s.Gateway.Client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://app.example.com", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("X-Request-Id", Header(response, "Access-Control-Expose-Headers"));
        Assert.Equal(["Accept-Encoding", "Origin"], response.Headers.Vary);

        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/api/predict") { Headers = { { "Origin", "https://evil.test" } } };
        using var refused = await k8s.Gateway.Client.SendAsync(foreign);
        Assert.Equal("*", Header(refused, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_status_gets_the_configured_address_once()
    {
        Api.Apply(Service("web", exposed: false));
        Api.Apply(EndpointSlice("web-x1", "web", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Ingress("web", paths: ("/web", "web", 80)));
        Api.Apply(WithClass(Ingress("not-ours", paths: ("/other", "web", 80)), "nginx"));
        await using var k8s = await KubernetesGateway.StartAsync(Api, null, true, "--Gateway:Kubernetes:StatusAddresses:0=192.0.2.10", "--Gateway:Kubernetes:StatusAddresses:1=lb.example.com");
        await k8s.WaitForAnswerAsync("/web", "a");

        await Eventually.TrueAsync(() => Task.FromResult(Api.Get("ingresses", "default", "web")?["status"]?["loadBalancer"]?["ingress"] is JsonArray { Count: 2 }), "the Ingress status to be written");
        var status = Api.Get("ingresses", "default", "web")!["status"]!["loadBalancer"]!["ingress"]!;
        Assert.Equal("192.0.2.10", status[0]!["ip"]!.GetValue<string>());
        Assert.Equal("lb.example.com", status[1]!["hostname"]!.GetValue<string>());
        Assert.Null(Api.Get("ingresses", "default", "not-ours")!["status"]?["loadBalancer"]);

        // Another rebuild (an endpoint change) finds the status already right and writes nothing.
        Api.Apply(EndpointSlice("web-x2", "web", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await Eventually.TrueAsync(async () => await k8s.AnswerAsync("/web") == "b", "the new endpoint to be served");
        Assert.Single(Api.Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal) && r.Contains("/ingresses/web/status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_status_copies_the_load_balancer_of_the_status_service()
    {
        var gatewayService = Service("mlgateway", exposed: false, ns: "mlgateway-system");
        gatewayService["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "203.0.113.50" }) } };
        Api.Apply(gatewayService);
        Api.Apply(Service("web", exposed: false));
        Api.Apply(Ingress("web", paths: ("/web", "web", 80)));
        await using var k8s = await KubernetesGateway.StartAsync(Api, null, true, "--Gateway:Kubernetes:StatusService=mlgateway-system/mlgateway");

        await Eventually.TrueAsync(() => Task.FromResult(Api.Get("ingresses", "default", "web")?["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]?.GetValue<string>() == "203.0.113.50"), "the Service's address on the Ingress");
    }

    private static JsonObject WithClass(JsonObject ingress, string className)
    {
        ingress["spec"]!["ingressClassName"] = className;
        return ingress;
    }

    private static async Task<string> AnswerWithAsync(KubernetesGateway k8s, string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/predict");
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await k8s.Gateway.Client.SendAsync(request);
        return (await BackendEcho.ReadAsync(response)).Backend;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : "";

    private static bool IsEventAbout(JsonObject item, string ingress, string reason, string text) =>
        item["regarding"]?["name"]?.GetValue<string>() == ingress
        && item["regarding"]?["kind"]?.GetValue<string>() == "Ingress"
        && item["reason"]?.GetValue<string>() == reason
        && item["note"]?.GetValue<string>().Contains(text, StringComparison.Ordinal) == true;
}
