using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes;
using Gateway.ModelServerSimulator;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests;

/// <summary>Load-aware endpoint picking and saturation shedding through the real gateway, with simulated model servers as the pods.</summary>
// Metric listeners are process-wide: a gateway of a test running in parallel would add its series to the ones read here.
[Collection(SerialCollection.Name)]
public sealed class LoadAwareBalancingTests
{
    private static readonly SimulatorOptions Fast = new() { MaxRunning = 2, TimePerOutputToken = TimeSpan.FromMilliseconds(20), PrefillTimePerPromptToken = TimeSpan.Zero };

    private static object Section(object balancing, params string[] endpoints) => new
    {
        Routes = new[] { new { Name = "llm", Matches = new[] { new { Path = "/v1" } }, Backends = new[] { "llm" } } },
        Backends = new Dictionary<string, object> { ["llm"] = new { Endpoints = endpoints, LoadBalancing = balancing } },
    };

    private static HttpRequestMessage Completion(int maxTokens, bool stream = false, string? criticality = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$$"""{"model":"sim-model","messages":[{"role":"user","content":"Say something."}],"max_tokens":{{{maxTokens}}},"stream":{{{(stream ? "true" : "false")}}},"stream_options":{"include_usage":true}}""",
                Encoding.UTF8,
                "application/json"),
        };
        if (criticality is not null)
        {
            request.Headers.Add("x-gateway-inference-objective", criticality);
        }

        return request;
    }

    /// <summary>Clients each sending requests one after another, streamed, checking every answer.</summary>
    private static async Task SendUnderLoadAsync(TestGateway gateway, int clients, int requestsEach)
    {
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var i = 0; i < requestsEach; i++)
            {
                using var response = await gateway.Client.SendAsync(Completion(maxTokens: 10, stream: true));
                var body = await response.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
                Assert.Contains("\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":10,\"total_tokens\":13}", body, StringComparison.Ordinal);
            }
        }));
    }

    [Fact]
    public async Task A_slow_pod_gets_fewer_requests_under_load()
    {
        await using var fast1 = await SimulatedModelServer.StartAsync("fast-1", Fast);
        await using var fast2 = await SimulatedModelServer.StartAsync("fast-2", Fast);
        await using var slow = await SimulatedModelServer.StartAsync("slow", Fast with { SpeedFactor = 0.25 });
        await using var gateway = await TestGateway.StartAsync(Section(new { Mode = "LoadAware", ScrapeInterval = "200ms" }, fast1.Url, fast2.Url, slow.Url));

        await SendUnderLoadAsync(gateway, clients: 12, requestsEach: 6);

        // Round robin would give each pod 24; the slow pod, at a quarter of the speed, should get well under half a fast one's share.
        Assert.Equal(72, fast1.Served + fast2.Served + slow.Served);
        Assert.True(slow.Served * 2 < Math.Min(fast1.Served, fast2.Served), $"fast {fast1.Served} and {fast2.Served}, slow {slow.Served}");
        Assert.Contains(
            (await gateway.Admin.GetStringAsync("/metrics")).Split('\n'),
            line => line.StartsWith("gateway_endpoint_queue_depth{", StringComparison.Ordinal) && line.Contains($"endpoint=\"{slow.Url}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pods_without_metrics_fall_back_to_requests_in_flight()
    {
        var noMetrics = Fast with { ExposeMetrics = false };
        await using var fast1 = await SimulatedModelServer.StartAsync("fast-1", noMetrics);
        await using var fast2 = await SimulatedModelServer.StartAsync("fast-2", noMetrics);
        await using var slow = await SimulatedModelServer.StartAsync("slow", noMetrics with { SpeedFactor = 0.25 });
        await using var gateway = await TestGateway.StartAsync(Section(new { Mode = "LoadAware", ScrapeInterval = "200ms" }, fast1.Url, fast2.Url, slow.Url));

        await SendUnderLoadAsync(gateway, clients: 12, requestsEach: 6);

        Assert.Equal(72, fast1.Served + fast2.Served + slow.Served);
        Assert.True(slow.Served * 2 < Math.Min(fast1.Served, fast2.Served), $"fast {fast1.Served} and {fast2.Served}, slow {slow.Served}");
        Assert.DoesNotContain("gateway_endpoint_queue_depth{", await gateway.Admin.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_every_pod_is_saturated_sheddable_requests_get_429_a_full_queue_503_and_a_critical_request_waits_and_succeeds()
    {
        // The pod generates only when the test moves its clock, so it stays saturated for exactly as long as the test needs.
        var clock = new FakeTimeProvider();
        await using var pod = await SimulatedModelServer.StartAsync("pod", Fast with { MaxRunning = 1, TimeProvider = clock });
        await using var gateway = await TestGateway.StartAsync(Section(
            // The pod's load cannot change while its clock stands still, so a reading may stay valid for long: a slow scrape on
            // a busy machine must not let it go stale in the middle of the test.
            new { Mode = "LoadAware", ScrapeInterval = "1s", StaleAfterIntervals = 60, MaxQueueDepth = 1, MaxQueued = 1, MaxQueueWait = "60s", CriticalMaxQueueWait = "60s" },
            pod.Url));

        var running = gateway.Client.SendAsync(Completion(maxTokens: 10));
        var waiting = gateway.Client.SendAsync(Completion(maxTokens: 10));
        await Eventually.TrueAsync(() => Task.FromResult(pod.Running == 1 && pod.Waiting == 1), "one request running and one waiting at the pod");
        await Eventually.EqualAsync(1.0, () => ObservabilityTests.ScrapeAsync(gateway, "gateway_endpoint_queue_depth", ("backend", "llm")), "the gateway's reading of the pod's queue");

        using (var shed = await gateway.Client.SendAsync(Completion(maxTokens: 10, criticality: "Sheddable")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, shed.StatusCode);
            Assert.Equal("1", shed.Headers.RetryAfter?.ToString());
        }

        var critical = gateway.Client.SendAsync(Completion(maxTokens: 10, criticality: "Critical"));
        await Eventually.EqualAsync(1.0, () => ObservabilityTests.ScrapeAsync(gateway, "gateway_inference_queue_depth", ("backend", "llm")), "the critical request to wait at the gateway");
        using (var full = await gateway.Client.SendAsync(Completion(maxTokens: 10)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            Assert.Equal("1", full.Headers.RetryAfter?.ToString());
        }

        Assert.Equal(1, pod.Waiting);
        await Eventually.TrueAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                return Task.FromResult(critical.IsCompleted && running.IsCompleted && waiting.IsCompleted);
            },
            "every admitted request to be answered as the pod's clock moves");
        foreach (var answered in new[] { running, waiting, critical })
        {
            using var response = await answered;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("pod", response.Headers.GetValues(SimulatedModelServer.PodHeader).Single());
        }

        Assert.Equal(3, pod.Served);
        // The exporter may answer from its cache of a moment ago: wait for a scrape that includes the last refusal.
        await Eventually.EqualAsync(1.0, () => ObservabilityTests.ScrapeAsync(gateway, "gateway_inference_shed_total", ("criticality", "Standard"), ("reason", "queue_full")), "the refusal by the full queue to be counted");
        Assert.Equal(1, await ObservabilityTests.ScrapeAsync(gateway, "gateway_inference_shed_total", ("criticality", "Sheddable"), ("reason", "saturated")));
        Assert.Equal(2, await ObservabilityTests.ScrapeAsync(gateway, "gateway_inference_queued_total", ("backend", "llm")));
    }

    [Fact]
    public async Task The_routes_page_shows_each_endpoints_in_flight_count_scraped_load_and_the_gateway_queue()
    {
        // Both pods generate only when the test moves their clock, so their load holds still while the page is read.
        var clock = new FakeTimeProvider();
        await using var busy = await SimulatedModelServer.StartAsync("busy", Fast with { MaxRunning = 1, KvCacheTokens = 100, TimeProvider = clock });
        await using var quiet = await SimulatedModelServer.StartAsync("quiet", Fast with { ExposeMetrics = false, TimeProvider = clock });
        var loadAware = new { Mode = "LoadAware", ScrapeInterval = "500ms", StaleAfterIntervals = 60, MaxQueueDepth = 1, MaxQueued = 1, MaxQueueWait = "60s", CriticalMaxQueueWait = "60s" };
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "plain", Matches = new[] { new { Path = "/v1", Headers = new[] { new { Name = "X-Pool", Value = "plain" } } } }, Backends = new[] { "plain" } },
                new { Name = "llm", Matches = new[] { new { Path = "/v1" } }, Backends = new[] { "llm" } },
            },
            Backends = new Dictionary<string, object>
            {
                ["llm"] = new { Endpoints = new[] { busy.Url }, LoadBalancing = loadAware },
                ["plain"] = new { Endpoints = new[] { quiet.Url }, LoadBalancing = loadAware },
            },
        });

        var running = gateway.Client.SendAsync(Completion(maxTokens: 10));
        var waiting = gateway.Client.SendAsync(Completion(maxTokens: 10));
        var plainRequest = Completion(maxTokens: 10);
        plainRequest.Headers.Add("X-Pool", "plain");
        var plain = gateway.Client.SendAsync(plainRequest);
        await Eventually.TrueAsync(() => Task.FromResult(busy.Running == 1 && busy.Waiting == 1 && quiet.Running == 1), "two requests at the busy pod and one at the quiet one");
        await Eventually.EqualAsync("1", async () => Cell(await gateway.Admin.GetStringAsync("/routes"), busy.Url, "waiting"), "the page to show the busy pod's queue");

        // The busy pod's queue is at MaxQueueDepth: the next request waits at the gateway.
        var queued = gateway.Client.SendAsync(Completion(maxTokens: 10));
        await Eventually.EqualAsync("1", async () => Queued(await gateway.Admin.GetStringAsync("/routes"), "llm"), "the page to show the request waiting at the gateway");

        var html = await gateway.Admin.GetStringAsync("/routes");
        Assert.Equal("2", Cell(html, busy.Url, "in-flight"));
        Assert.Equal("1", Cell(html, busy.Url, "running"));
        // The running request's 3 prompt and 10 output tokens in a cache of 100.
        Assert.Equal("13%", Cell(html, busy.Url, "kv-cache"));
        Assert.Matches(@"^\d+\.\d s old$", Cell(html, busy.Url, "reading"));
        Assert.Equal("1", Cell(html, quiet.Url, "in-flight"));
        Assert.Equal("-", Cell(html, quiet.Url, "waiting"));
        Assert.Equal("none: scored by its in-flight count", Cell(html, quiet.Url, "reading"));
        Assert.Equal("0", Queued(html, "plain"));

        await Eventually.TrueAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                return Task.FromResult(running.IsCompleted && waiting.IsCompleted && queued.IsCompleted && plain.IsCompleted);
            },
            "every request to be answered as the pods' clock moves");
        foreach (var answered in new[] { running, waiting, queued, plain })
        {
            using var response = await answered;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The count drops as the gateway's side of each request ends, which may be just after the client has its answer.
        await Eventually.EqualAsync("0", async () => Cell(await gateway.Admin.GetStringAsync("/routes"), busy.Url, "in-flight"), "the busy pod's in-flight count after the answers");
        Assert.Equal("0", Queued(await gateway.Admin.GetStringAsync("/routes"), "llm"));
    }

    /// <summary>The text of the cell of class <paramref name="column"/> in the endpoint's row of the load table.</summary>
    private static string Cell(string html, string endpoint, string column)
    {
        var row = Regex.Match(html, $"<tr data-backend=\"[^\"]*\" data-endpoint=\"{Regex.Escape(endpoint)}\">(.*?)</tr>");
        Assert.True(row.Success, $"no row for {endpoint} on /routes");
        var cell = Regex.Match(row.Groups[1].Value, $"<td class=\"[^\"]*\\b{column}\\b[^\"]*\">(.*?)</td>");
        Assert.True(cell.Success, $"no {column} cell for {endpoint} on /routes");
        return cell.Groups[1].Value;
    }

    /// <summary>The requests the page says wait at the gateway for <paramref name="backend"/>.</summary>
    private static string Queued(string html, string backend)
    {
        var match = Regex.Match(html, $"<tr class=\"backend\" data-backend=\"{Regex.Escape(backend)}\">.*?<span class=\"queued\">(\\d+)</span>");
        Assert.True(match.Success, $"no row for backend {backend} on /routes");
        return match.Groups[1].Value;
    }
}
