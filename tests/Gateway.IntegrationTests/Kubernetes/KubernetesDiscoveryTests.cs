using System.Net;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// Services and EndpointSlices created, changed and deleted in a fake API server move real traffic between real
/// loopback backends, through the real Kubernetes client.
/// </summary>
public sealed class KubernetesDiscoveryTests : KubernetesTest
{

    [Fact]
    public async Task Labelled_service_with_an_endpoint_slice_becomes_a_route_to_the_pod()
    {
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("not-exposed", exposed: false));
        Api.Apply(EndpointSlice("not-exposed-x1", "not-exposed", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        using var response = await k8s.Gateway.Client.GetAsync("/model-a/v1/predict?x=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await BackendEcho.ReadAsync(response);
        Assert.Equal("a", echo.Backend);
        Assert.Equal("/v1/predict", echo.Path);
        Assert.Equal("/model-a", echo.Headers["x-forwarded-prefix"]);
        Assert.Equal("404", await k8s.AnswerAsync("/not-exposed"));
        Assert.Equal("404", await k8s.AnswerAsync("/model-ab"));
    }

    [Fact]
    public async Task Annotations_set_path_prefix_host_and_keep_the_prefix()
    {
        Api.Apply(Service("model-a", new()
        {
            ["mlgateway.io/path-prefix"] = "/v1/chat",
            ["mlgateway.io/strip-prefix"] = "false",
            ["mlgateway.io/host"] = "models.example.com",
        }));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/chat/completions") { Headers = { Host = "models.example.com" } };
        using var response = await k8s.Gateway.Client.SendAsync(request);
        var echo = await BackendEcho.ReadAsync(response);
        Assert.Equal(("a", "/v1/chat/completions"), (echo.Backend, echo.Path));
        Assert.Equal("404", await k8s.AnswerAsync("/v1/chat/completions"));
        Assert.Equal("404", await k8s.AnswerAsync("/model-a"));
    }

    [Fact]
    public async Task Scaling_and_terminating_endpoints_move_traffic()
    {
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        Assert.Equal("a", await k8s.AnswerAsync("/model-a"));

        // Scale up: a second pod, in its own slice with its own resolved target port.
        Api.Apply(EndpointSlice("model-a-x2", "model-a", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await Eventually.TrueAsync(async () => await k8s.AnswerAsync("/model-a") == "b", "the new pod to get requests");
        var seen = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            seen.Add(await k8s.AnswerAsync("/model-a"));
        }

        Assert.Equal(["a", "b"], seen.Order());

        // The first pod starts terminating (MODIFIED slice): it gets no new requests.
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.TerminatingPod));
        await Eventually.TrueAsync(async () => (await k8s.ConfigAsync())["model"]!["backends"]!["service/default/model-a"]!["endpoints"]!.AsArray().Count == 1, "the terminating endpoint to leave the backend");
        var before = A.RequestCount;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("b", await k8s.AnswerAsync("/model-a"));
        }

        Assert.Equal(before, A.RequestCount);
    }

    [Fact]
    public async Task Service_without_ready_endpoints_answers_503_and_deleting_it_gives_404()
    {
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: new Endpoint(Ready: false)));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await k8s.WaitForAnswerAsync("/model-a", "503");

        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        await k8s.WaitForAnswerAsync("/model-a", "a");

        Api.Delete("services", Namespace, "model-a");
        await k8s.WaitForAnswerAsync("/model-a", "404");
    }

    [Fact]
    public async Task Removing_the_expose_label_removes_the_route_and_adding_it_back_restores_it()
    {
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        Assert.Equal("a", await k8s.AnswerAsync("/model-a"));

        Api.Apply(Service("model-a", exposed: false));
        await k8s.WaitForAnswerAsync("/model-a", "404");

        Api.Apply(Service("model-a"));
        await k8s.WaitForAnswerAsync("/model-a", "a");
    }

    [Fact]
    public async Task Canary_of_a_service_gets_its_weight_on_the_stable_route()
    {
        Api.Apply(Service("model"));
        Api.Apply(EndpointSlice("model-x1", "model", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("model-v2", new() { ["mlgateway.io/canary-of"] = "model", ["mlgateway.io/canary-weight"] = "30" }));
        Api.Apply(EndpointSlice("model-v2-x1", "model-v2", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        var route = (await k8s.ConfigAsync())["model"]!["routes"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "service/default/model")!;
        Assert.Equal(
            """[{"name":"service/default/model","weight":70},{"name":"service/default/model-v2","weight":30}]""",
            route["backends"]!.ToJsonString());
        Assert.Equal("404", await k8s.AnswerAsync("/model-v2"));

        // All of the traffic: the canary answers every request.
        Api.Apply(Service("model-v2", new() { ["mlgateway.io/canary-of"] = "model", ["mlgateway.io/canary-weight"] = "100" }));

        // An answer from b alone proves nothing while the 70/30 split still serves; wait for the new weights.
        await Eventually.EqualAsync(
            """[{"name":"service/default/model","weight":0},{"name":"service/default/model-v2","weight":100}]""",
            async () => (await k8s.ConfigAsync())["model"]!["routes"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "service/default/model")!["backends"]!.ToJsonString(),
            "the canary weight of 100 to be applied");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("b", await k8s.AnswerAsync("/model"));
        }
    }

    [Fact]
    public async Task Canary_of_a_missing_service_answers_500_for_the_stable_share()
    {
        Api.Apply(Service("model-v2", new() { ["mlgateway.io/canary-of"] = "model", ["mlgateway.io/canary-weight"] = "10" }));
        Api.Apply(EndpointSlice("model-v2-x1", "model-v2", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        await k8s.WaitForAnswerAsync("/model", "500");
        Assert.Contains("Service 'default/model' named by mlgateway.io/canary-of on Service 'default/model-v2' does not exist", await k8s.WarningsAsync());
    }

    [Fact]
    public async Task Bad_annotations_leave_out_only_that_service_and_are_shown_on_config()
    {
        Api.Apply(Service("good"));
        Api.Apply(EndpointSlice("good-x1", "good", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("heavy", new() { ["mlgateway.io/canary-of"] = "good", ["mlgateway.io/canary-weight"] = "150" }));
        Api.Apply(Service("limited", new() { ["mlgateway.io/rate-limit"] = "fast" }));
        Api.Apply(Service("ported", new() { ["mlgateway.io/port"] = "grpc" }));
        Api.Apply(EndpointSlice("ported-x1", "ported", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        Assert.Equal("a", await k8s.AnswerAsync("/good"));
        Assert.Equal("404", await k8s.AnswerAsync("/ported"));
        Assert.Equal("404", await k8s.AnswerAsync("/limited"));
        var warnings = await k8s.WarningsAsync();
        Assert.Contains("Service 'default/heavy', field 'metadata.annotations[mlgateway.io/canary-weight]': '150' must be a whole number from 0 to 100", warnings);
        Assert.Contains("Service 'default/limited', field 'metadata.annotations[mlgateway.io/rate-limit]': 'fast' is not a rate", warnings);
        Assert.Contains("Service 'default/ported', field 'metadata.annotations[mlgateway.io/port]': 'grpc' is not a port of the Service; its ports are http (80)", warnings);

        // Fixing the annotation brings the Service in, and its warning goes away.
        Api.Apply(Service("ported", new() { ["mlgateway.io/port"] = "http" }));
        await k8s.WaitForAnswerAsync("/ported", "b");
        Assert.DoesNotContain("default/ported", await k8s.WarningsAsync());
    }

    [Fact]
    public async Task Readyz_stays_503_until_the_first_sync()
    {
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.HoldLists();
        await using var k8s = await KubernetesGateway.StartAsync(Api, waitUntilReady: false);

        await Eventually.TrueAsync(() => Task.FromResult(Api.ListCount("services") > 0), "the gateway to list Services");
        using (var response = await k8s.Gateway.Admin.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("waiting for the first sync of", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal("404", await k8s.AnswerAsync("/model-a"));

        Api.ReleaseLists();
        await Eventually.TrueAsync(async () => (await k8s.Gateway.Admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "/readyz to turn 200");
        Assert.Equal("a", await k8s.AnswerAsync("/model-a"));
    }

    [Fact]
    public async Task Rate_limit_annotations_limit_the_services_route()
    {
        Api.Apply(Service("model", new() { ["mlgateway.io/rate-limit"] = "2/m", ["mlgateway.io/rate-limit-burst"] = "2" }));
        Api.Apply(EndpointSlice("model-x1", "model", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        // Watch activity is visible to operators: every kind was listed once to sync.
        var metrics = await k8s.Gateway.Admin.GetStringAsync("/metrics");
        Assert.Matches("gateway_kubernetes_lists_total\\{[^}]*kind=\"Service\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("gateway_kubernetes_lists_total\\{[^}]*kind=\"EndpointSlice\"[^}]*\\} [1-9]", metrics);

        Assert.Equal("a", await k8s.AnswerAsync("/model"));
        Assert.Equal("a", await k8s.AnswerAsync("/model"));
        using var limited = await k8s.Gateway.Client.GetAsync("/model");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null, "a limited answer says when to retry");
    }

    [Fact]
    public async Task Canary_header_annotation_forces_the_canary_even_at_weight_zero()
    {
        Api.Apply(Service("model"));
        Api.Apply(EndpointSlice("model-x1", "model", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("model-v2", new() { ["mlgateway.io/canary-of"] = "model", ["mlgateway.io/canary-weight"] = "0", ["mlgateway.io/canary-header"] = "X-Canary" }));
        Api.Apply(EndpointSlice("model-v2-x1", "model-v2", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("a", await k8s.AnswerAsync("/model"));
            using var request = new HttpRequestMessage(HttpMethod.Get, "/model");
            request.Headers.Add("X-Canary", "always");
            using var forced = await k8s.Gateway.Client.SendAsync(request);
            Assert.Equal("b", (await BackendEcho.ReadAsync(forced)).Backend);
        }
    }

    [Fact]
    public async Task Resilience_annotations_reach_the_backend_a_full_gpu_backend_answers_503()
    {
        var release = new TaskCompletionSource();
        var started = 0;
        A.Handler = async context =>
        {
            if (context.Request.Path == "/healthz")
            {
                return;
            }

            Interlocked.Increment(ref started);
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await context.Response.WriteAsync("done");
        };
        Api.Apply(Service("gpu", new() { ["mlgateway.io/max-concurrent-requests"] = "1", ["mlgateway.io/health-path"] = "/healthz" }));
        Api.Apply(EndpointSlice("gpu-x1", "gpu", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        var backend = (await k8s.ConfigAsync())["model"]!["backends"]!["service/default/gpu"]!;
        Assert.Equal("/healthz", (string)backend["healthCheck"]!["active"]!["path"]!);
        var first = k8s.Gateway.Client.GetAsync("/gpu");
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref started) >= 1), "the first request to reach the backend");
        using (var second = await k8s.Gateway.Client.GetAsync("/gpu"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        }

        release.SetResult();
        using var answered = await first;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }
}
