using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes.GatewayApi;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;
using Microsoft.AspNetCore.Http;
using static Gateway.IntegrationTests.Kubernetes.InferencePools.InferencePoolObjects;

namespace Gateway.IntegrationTests.Kubernetes.InferencePools;

/// <summary>
/// Requests to an InferencePool go where its endpoint picker says, as the extension's conformance suite checks: the
/// picker's pick (by a request header, or always one pod) is the pod that answers; a pick outside the pool is refused;
/// a failing or silent picker leaves the choice to the gateway (FailOpen) or gets 503 (FailClose); headers the picker
/// sets reach the pod. The picker follows the response (its headers, the endpoint that served, the body), a list of
/// endpoints falls back past a dead one, and connections to pickers no pool uses any more are closed. Pool
/// <c>pool-a</c> has pods a1 and a2; b1 belongs to another pool.
/// </summary>
public sealed class EndpointPickerTests : IAsyncLifetime
{
    private PoolPods _pods = null!;
    private FakeKubernetesApiServer _api = null!;
    private FakeEndpointPicker _picker = null!;
    private KubernetesGateway? _gateway;

    public async Task InitializeAsync()
    {
        _pods = await PoolPods.StartAsync("a1", "a2", "b1");
        _picker = await FakeEndpointPicker.StartAsync();
        _api = await FakeKubernetesApiServer.StartAsync();
        Apply(OurGateway.Yaml);
        _api.Apply(Pod("a1", "model-a", PoolPods.Address(0)));
        _api.Apply(Pod("a2", "model-a", PoolPods.Address(1)));
        _api.Apply(Pod("b1", "model-b", PoolPods.Address(2)));
        Apply(Pool("open", "model-a", _pods.Port, "FailOpen"));
        Apply(Pool("closed", "model-a", _pods.Port, "FailClose"));
        Apply(Pool("pool-b", "model-b", _pods.Port, "FailClose"));
        foreach (var pool in new[] { "open", "closed", "pool-b" })
        {
            Apply(PickerService(pool));
        }

        PointPickerServicesAt(_picker.Port);
        Apply(Route("to-open", "open.test", ("open", 1)));
        Apply(Route("to-closed", "closed.test", ("closed", 1)));
    }

    /// <summary>The picker Services' one endpoint: the fake picker on <paramref name="port"/>.</summary>
    private void PointPickerServicesAt(int port)
    {
        foreach (var pool in new[] { "open", "closed", "pool-b" })
        {
            Apply(PickerSlice(pool, port));
        }
    }

    private static string PickerSlice(string pool, int port) => $$"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: { name: {{pool}}-epp-x1, labels: { kubernetes.io/service-name: {{pool}}-epp } }
        addressType: IPv4
        ports: [ { name: grpc, port: {{port}} } ]
        endpoints: [ { addresses: [ 127.0.0.1 ], conditions: { ready: true } } ]
        """;

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _api.DisposeAsync();
        await _picker.DisposeAsync();
        await _pods.DisposeAsync();
    }

    [Fact]
    public async Task Requests_go_to_the_pod_the_picker_picks_and_it_is_offered_the_pools_ready_pods()
    {
        _picker.Behavior = PickerBehavior.Always;
        _picker.Endpoint = Endpoint(1);
        var gateway = await StartAsync();

        var answers = await CountAsync(gateway, "closed.test", 20);

        Assert.Equal(new Dictionary<string, int> { ["a2"] = 20 }, answers);
        Assert.Equal(0, _pods.Backends[0].RequestCount);
        Assert.All(_picker.Seen, seen => Assert.Equal([Endpoint(0), Endpoint(1)], seen.Subset.Order()));
    }

    [Fact]
    public async Task By_default_the_picker_is_spoken_to_over_TLS_accepting_its_self_signed_certificate()
    {
        await _picker.DisposeAsync();
        _picker = await FakeEndpointPicker.StartAsync(tls: true);
        _picker.Behavior = PickerBehavior.Always;
        _picker.Endpoint = Endpoint(1);
        PointPickerServicesAt(_picker.Port);
        var gateway = await StartAsync(tls: true);

        Assert.Equal(new Dictionary<string, int> { ["a2"] = 10 }, await CountAsync(gateway, "closed.test", 10));
        Assert.Equal(10, _picker.Seen.Count);
    }

    [Fact]
    public async Task The_pick_follows_the_selection_header_among_the_pools_pods()
    {
        var gateway = await StartAsync();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("a1", await AnswerAsync(gateway, "closed.test", Endpoint(0)));
            Assert.Equal("a2", await AnswerAsync(gateway, "closed.test", Endpoint(1)));
        }
    }

    [Fact]
    public async Task A_pick_that_is_not_a_pod_of_the_pool_is_refused_and_never_forwarded_to()
    {
        var gateway = await StartAsync();

        // b1 is a real pod, of another pool.
        Assert.Equal("503", await AnswerAsync(gateway, "closed.test", Endpoint(2)));
        Assert.Equal(0, _pods.Backends[2].RequestCount);

        // With FailOpen the gateway picks among the pool's own pods instead.
        Assert.True(await AnswerAsync(gateway, "open.test", Endpoint(2)) is "a1" or "a2");
        Assert.Equal(0, _pods.Backends[2].RequestCount);
    }

    [Theory]
    [InlineData(PickerBehavior.Fail)]
    [InlineData(PickerBehavior.Hang)]
    public async Task A_failing_or_silent_picker_leaves_the_pick_to_the_gateway_with_FailOpen_and_gets_503_naming_the_pool_with_FailClose(PickerBehavior behavior)
    {
        _picker.Behavior = behavior;
        var gateway = await StartAsync();

        var open = await CountAsync(gateway, "open.test", 10);
        Assert.Equal(10, open.GetValueOrDefault("a1") + open.GetValueOrDefault("a2"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Host = "closed.test" } };
        using var response = await gateway.Gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("InferencePool 'default/closed'", (await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_the_picker_gives_itself_reaches_the_client_and_no_pod()
    {
        _picker.Behavior = PickerBehavior.Shed;
        var gateway = await StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Host = "closed.test" } };
        using var response = await gateway.Gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("2", response.Headers.RetryAfter?.ToString());
        Assert.Equal("shed: the pool is saturated", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _pods.Backends[0].RequestCount + _pods.Backends[1].RequestCount);
    }

    [Fact]
    public async Task An_unreachable_picker_is_a_failure_too()
    {
        await _picker.DisposeAsync();
        var gateway = await StartAsync();

        Assert.True(await AnswerAsync(gateway, "open.test") is "a1" or "a2");
        Assert.Equal("503", await AnswerAsync(gateway, "closed.test"));
    }

    [Fact]
    public async Task Headers_and_body_the_picker_sets_reach_the_pod_and_the_picker_sees_the_body()
    {
        _picker.SetHeaders["x-model-served"] = "llama-3-8b-lora";
        _picker.ReplaceBody = """{"model":"llama-3-8b-lora","prompt":"hi"}""";
        string? bodySeenByPod = null;
        foreach (var pod in _pods.Backends)
        {
            pod.Handler = async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                bodySeenByPod = await reader.ReadToEndAsync();
                await context.Response.WriteAsJsonAsync(new BackendEcho(
                    "pod", context.Request.Method, context.Request.Path.Value ?? "", "", context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
            };
        }

        var gateway = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Headers = { Host = "closed.test" },
            Content = new StringContent("""{"model":"llama-3-8b","prompt":"hi"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await gateway.Gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await BackendEcho.ReadAsync(response);
        Assert.Equal("llama-3-8b-lora", echo.Headers["x-model-served"]);
        Assert.Equal("""{"model":"llama-3-8b-lora","prompt":"hi"}""", bodySeenByPod);
        Assert.Contains(_picker.Seen, seen => seen.Body == """{"model":"llama-3-8b","prompt":"hi"}""");
    }

    [Fact]
    public async Task The_picker_is_sent_the_response_headers_the_endpoint_that_served_and_the_body_and_its_response_headers_reach_the_client()
    {
        _picker.Behavior = PickerBehavior.Always;
        _picker.Endpoint = Endpoint(1);
        _picker.SetResponseHeaders["x-picker-saw"] = "response";
        var gateway = await StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Host = "closed.test" } };
        using var response = await gateway.Gateway.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("response", Assert.Single(response.Headers.GetValues("x-picker-saw")));
        var seen = await NextResponseAsync();
        Assert.Equal(Endpoint(1), seen.Served);
        Assert.Equal("200", seen.Headers![":status"]);
        Assert.StartsWith("application/json", seen.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(body, seen.Body);
        Assert.True(seen.EndOfStream);
    }

    [Fact]
    public async Task A_streamed_response_reaches_the_client_chunk_by_chunk_while_the_picker_is_sent_each_chunk()
    {
        _picker.Behavior = PickerBehavior.Always;
        _picker.Endpoint = Endpoint(0);
        var firstEventRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pods.Backends[0].Handler = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: one\n\n");
            await context.Response.Body.FlushAsync();

            // The second event is written only once the client has read the first through the gateway.
            await firstEventRead.Task;
            await context.Response.WriteAsync("data: two\n\n");
        };
        var gateway = await StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Headers = { Host = "closed.test" },
            Content = new StringContent("""{"model":"m","stream":true}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await gateway.Gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("data: one", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        firstEventRead.SetResult();
        Assert.Equal("\ndata: two\n\n", await reader.ReadToEndAsync());

        var seen = await NextResponseAsync();
        Assert.Equal(Endpoint(0), seen.Served);
        Assert.Equal("data: one\n\ndata: two\n\n", seen.Body);
        Assert.True(seen.EndOfStream);
    }

    [Fact]
    public async Task A_picker_that_fails_in_the_response_phase_does_not_break_the_response_and_is_counted()
    {
        _picker.Behavior = PickerBehavior.FailResponse;
        _picker.Endpoint = Endpoint(1);
        var gateway = await StartAsync();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("a2", await AnswerAsync(gateway, "closed.test"));
        }

        var metrics = await gateway.Gateway.Admin.GetStringAsync("/metrics");
        Assert.Matches("gateway_endpoint_picker_response_failures_total\\{(?=[^}]*pool=\"default/closed\")[^}]*phase=\"response_headers\"[^}]*\\} 5", metrics);
    }

    [Fact]
    public async Task A_picker_whose_mode_skips_the_response_is_sent_nothing_of_it()
    {
        _picker.SkipResponse = true;
        _picker.SetResponseHeaders["x-picker-saw"] = "response";
        var gateway = await StartAsync();

        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Host = "closed.test" } };
            using var response = await gateway.Gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("x-picker-saw"));
            Assert.Equal(new ResponseSeen(), await NextResponseAsync());
        }
    }

    [Fact]
    public async Task Of_a_list_of_endpoints_one_outside_the_pool_is_refused_and_a_dead_one_falls_back_to_the_next()
    {
        // a3 is a ready pod of the pool with nothing listening: connecting to it is refused.
        _api.Apply(Pod("a3", "model-a", PoolPods.Address(3)));
        _picker.Behavior = PickerBehavior.Always;
        _picker.Endpoint = $"{Endpoint(2)},{Endpoint(3)},{Endpoint(1)}";
        var gateway = await StartAsync(endpoints: 3);

        Assert.Equal("a2", await AnswerAsync(gateway, "closed.test"));
        Assert.Equal(Endpoint(1), (await NextResponseAsync()).Served);
        Assert.Equal(new Dictionary<string, int> { ["a2"] = 9 }, await CountAsync(gateway, "closed.test", 9));

        Assert.Equal(0, _pods.Backends[2].RequestCount);
        var metrics = await gateway.Gateway.Admin.GetStringAsync("/metrics");
        Assert.Matches("gateway_endpoint_picker_fallbacks_total\\{[^}]*pool=\"default/closed\"[^}]*\\} [1-9]", metrics);
    }

    [Fact]
    public async Task The_connection_to_the_picker_of_a_removed_pool_is_closed()
    {
        await using var solo = await FakeEndpointPicker.StartAsync();
        Apply(Pool("solo", "model-a", _pods.Port, "FailClose"));
        Apply(PickerService("solo"));
        Apply(PickerSlice("solo", solo.Port));
        Apply(Route("to-solo", "solo.test", ("solo", 1)));
        var gateway = await StartAsync();
        await Eventually.TrueAsync(async () => await AnswerAsync(gateway, "solo.test") is "a1" or "a2", "the solo pool's route");
        Assert.True(solo.OpenConnections > 0);

        _api.Delete("httproutes", Namespace, "to-solo");
        _api.Delete("inferencepools", Namespace, "solo");

        await solo.NoConnectionsAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await AnswerAsync(gateway, "closed.test") is "a1" or "a2");
    }

    [Fact]
    public async Task When_the_picker_Service_moves_to_another_address_the_old_connection_is_closed()
    {
        var gateway = await StartAsync();
        Assert.True(await AnswerAsync(gateway, "closed.test") is "a1" or "a2");
        Assert.True(_picker.OpenConnections > 0);

        await using var moved = await FakeEndpointPicker.StartAsync();
        PointPickerServicesAt(moved.Port);

        await _picker.NoConnectionsAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await AnswerAsync(gateway, "closed.test") is "a1" or "a2");
        Assert.Single(moved.Seen);
    }

    private async Task<ResponseSeen> NextResponseAsync() =>
        await _picker.Responses.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    private string Endpoint(int pod) => $"{PoolPods.Address(pod)}:{_pods.Port}";

    private async Task<KubernetesGateway> StartAsync(bool tls = false, int endpoints = 2)
    {
        _gateway = await KubernetesGateway.StartAsync(_api, null, true, $"--Gateway:Inference:EndpointPicker:Tls={tls}", "--Gateway:Inference:EndpointPicker:Timeout=00:00:00.500");
        await Eventually.TrueAsync(
            async () => (await _gateway.ConfigAsync())["model"]?["backends"]?["inferencepool/default/closed"]?["endpoints"]?.AsArray().Count == endpoints,
            "the pool's pods");
        return _gateway;
    }

    private void Apply(string yaml)
    {
        foreach (var item in YamlObjects.Load(yaml, Namespace))
        {
            _api.Apply(item);
        }
    }

    private static async Task<string> AnswerAsync(KubernetesGateway gateway, string host, string? selection = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Host = host } };
        if (selection is not null)
        {
            request.Headers.Add(FakeEndpointPicker.SelectionHeader, selection);
        }

        using var response = await gateway.Gateway.Client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK
            ? (await BackendEcho.ReadAsync(response)).Backend
            : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<Dictionary<string, int>> CountAsync(KubernetesGateway gateway, string host, int requests)
    {
        var answers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < requests; i++)
        {
            var answer = await AnswerAsync(gateway, host);
            answers[answer] = answers.GetValueOrDefault(answer) + 1;
        }

        return answers;
    }
}
