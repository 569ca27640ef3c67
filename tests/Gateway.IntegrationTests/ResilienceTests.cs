using System.Net;
using System.Net.Sockets;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests;

/// <summary>Retries, concurrency limits, body limits and health checks through the real gateway and real backends.</summary>
public sealed class ResilienceTests
{
    private static object Route(string name, string path, string backend, object? retry = null, long? maxBody = null) =>
        new { Name = name, Matches = new[] { new { Path = path } }, Backends = new[] { backend }, Retry = retry, MaxRequestBodySize = maxBody };

    private static object Section(object[] routes, object backends) => new { Routes = routes, Backends = backends };

    [Fact]
    public async Task Idempotent_requests_are_retried_on_another_endpoint_when_one_refuses_connections_but_posts_are_not()
    {
        await using var live = await TestBackend.StartAsync("live");

        // Without the backend's connect failover (on by default, see ConnectFailoverTests), only the route's retry applies.
        await using var gateway = await TestGateway.StartAsync(Section(
            [Route("r", "/m", "pool", retry: new { Attempts = 2 })],
            new Dictionary<string, object> { ["pool"] = new { Endpoints = new[] { $"http://127.0.0.1:{UnusedPort()}", live.Url }, ConnectFailover = false } }));

        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.Client.GetAsync("/m/x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var postFailures = 0;
        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.Client.PostAsync("/m/x", new StringContent("{}"));
            postFailures += response.StatusCode == HttpStatusCode.BadGateway ? 1 : 0;
        }

        // Load balancing sends about half the POSTs to the dead endpoint, and POST is not retried by default.
        Assert.InRange(postFailures, 1, 19);
    }

    [Fact]
    public async Task A_retryable_status_is_retried_on_another_endpoint_within_the_attempt_budget()
    {
        await using var sick = await TestBackend.StartAsync("sick");
        sick.Handler = context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsync("sick");
        };
        await using var healthy = await TestBackend.StartAsync("healthy");
        await using var sick2 = await TestBackend.StartAsync("sick2");
        sick2.Handler = sick.Handler;
        await using var gateway = await TestGateway.StartAsync(Section(
            [
                Route("mixed", "/mixed", "mixed", retry: new { Attempts = 2 }),
                Route("all-sick", "/sick", "all-sick", retry: new { Attempts = 2 }),
            ],
            new Dictionary<string, object>
            {
                ["mixed"] = new { Endpoints = new[] { sick.Url, healthy.Url } },
                ["all-sick"] = new { Endpoints = new[] { sick.Url, sick2.Url } },
            }));

        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.Client.GetAsync("/mixed");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("healthy", (await BackendEcho.ReadAsync(response)).Backend);
        }

        Assert.InRange(sick.RequestCount, 1, 19);
        Assert.Equal(sick.RequestCount, await ObservabilityTests.ScrapeAsync(gateway, "gateway_retries_total", ("route", "mixed"), ("reason", "status")));

        var before = sick.RequestCount + sick2.RequestCount;
        using var exhausted = await gateway.Client.GetAsync("/sick");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, exhausted.StatusCode);
        Assert.Equal("sick", await exhausted.Content.ReadAsStringAsync());
        Assert.Equal(before + 2, sick.RequestCount + sick2.RequestCount);
    }

    [Fact]
    public async Task A_request_whose_body_was_sent_is_never_retried()
    {
        await using var sick = await TestBackend.StartAsync("sick");
        sick.Handler = async context =>
        {
            await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        };
        await using var healthy = await TestBackend.StartAsync("healthy");
        await using var gateway = await TestGateway.StartAsync(Section(
            [Route("r", "/predict", "pool", retry: new { Attempts = 2, AllMethods = true })],
            new Dictionary<string, object> { ["pool"] = new { Endpoints = new[] { sick.Url, healthy.Url } } }));

        var served = 0;
        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.Client.PostAsync("/predict", new StringContent("{\"input\":[1,2,3]}"));
            served += response.IsSuccessStatusCode ? 1 : 0;
        }

        // Every request reached exactly one endpoint: the sick one's 503s went to the client, none were sent again.
        Assert.Equal(20, sick.RequestCount + healthy.RequestCount);
        Assert.Equal(healthy.RequestCount, served);
        Assert.InRange(sick.RequestCount, 1, 19);
    }

    [Fact]
    public async Task A_backend_at_its_concurrency_limit_answers_503_with_retry_after_until_a_slot_frees()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gpu = await TestBackend.StartAsync("gpu");
        gpu.Handler = async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("done");
        };
        await using var gateway = await TestGateway.StartAsync(Section(
            [Route("r", "/predict", "gpu")],
            new Dictionary<string, object> { ["gpu"] = new { Endpoints = new[] { gpu.Url }, MaxConcurrentRequests = 2 } }));

        var inFlight = new[] { gateway.Client.GetAsync("/predict"), gateway.Client.GetAsync("/predict") };
        await WaitUntilAsync(() => gpu.RequestCount == 2);
        using (var refused = await gateway.Client.GetAsync("/predict"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        }

        Assert.Equal(1, await ObservabilityTests.ScrapeAsync(gateway, "gateway_concurrency_rejections_total", ("backend", "gpu")));

        Assert.Equal(2, gpu.RequestCount);
        release.SetResult();
        foreach (var response in await Task.WhenAll(inFlight))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        using var after = await gateway.Client.GetAsync("/predict");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_lowered_concurrency_limit_applies_on_reload_and_counts_the_requests_already_in_flight()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gpu = await TestBackend.StartAsync("gpu");
        gpu.Handler = async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("done");
        };
        object Config(int limit) => Section(
            [Route("r", "/predict", "gpu")],
            new Dictionary<string, object> { ["gpu"] = new { Endpoints = new[] { gpu.Url }, MaxConcurrentRequests = limit } });
        await using var gateway = await TestGateway.StartAsync(Config(3));

        var inFlight = new[] { gateway.Client.GetAsync("/predict"), gateway.Client.GetAsync("/predict") };
        await WaitUntilAsync(() => gpu.RequestCount == 2);
        var config = await gateway.ReloadAsync(Config(2));

        Assert.Null(config["lastRejected"]);
        using (var refused = await gateway.Client.GetAsync("/predict"))
        {
            // Under the old limit of 3 this one would have been let through.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        release.SetResult();
        foreach (var response in await Task.WhenAll(inFlight))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        Assert.Equal(2, gpu.RequestCount);
    }

    [Fact]
    public async Task A_body_over_the_route_limit_is_413_and_never_reaches_the_backend()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync(Section(
            [Route("small", "/small", "a", maxBody: 1024), Route("large", "/large", "a")],
            new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { backend.Url } } }));

        var body = new string('x', 2048);
        using (var declared = await gateway.Client.PostAsync("/small", new StringContent(body)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        }

        Assert.Equal(0, backend.RequestCount);

        using (var fits = await gateway.Client.PostAsync("/small", new StringContent(new string('x', 512))))
        {
            Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        }

        using (var other = await gateway.Client.PostAsync("/large", new StringContent(body)))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        // Chunked: no length up front, so Kestrel stops reading at the limit.
        var chunked = new StringContent(body);
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/small") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
    }

    [Fact]
    public async Task A_backend_slow_to_start_its_response_gets_504_but_a_long_stream_that_started_in_time_is_not_cut()
    {
        await using var backend = await TestBackend.StartAsync("llm");
        backend.Handler = async context =>
        {
            if (context.Request.Path == "/slow-start")
            {
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            }

            for (var i = 0; i < 8; i++)
            {
                await context.Response.WriteAsync($"token{i} ");
                await context.Response.Body.FlushAsync();
                await Task.Delay(100);
            }
        };
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[] { new { Name = "r", Backends = new[] { "llm" }, ResponseHeadersTimeout = "400ms", Timeout = "10s" } },
            Backends = new Dictionary<string, object> { ["llm"] = new { Endpoints = new[] { backend.Url } } },
        });

        using (var slow = await gateway.Client.GetAsync("/slow-start"))
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        }

        using var stream = await gateway.Client.GetAsync("/stream");
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("token0 token1 token2 token3 token4 token5 token6 token7 ", await stream.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Active_probes_take_a_failing_endpoint_out_and_bring_it_back_after_the_healthy_threshold()
    {
        var aHealthy = false;
        await using var a = await TestBackend.StartAsync("a");
        a.Handler = context =>
        {
            if (context.Request.Path == "/healthz")
            {
                context.Response.StatusCode = Volatile.Read(ref aHealthy) ? 200 : 500;
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("a");
        };
        await using var b = await TestBackend.StartAsync("b");
        b.Handler = context => context.Response.WriteAsync("b");
        await using var gateway = await TestGateway.StartAsync(Section(
            [Route("r", "/", "pool")],
            new Dictionary<string, object>
            {
                ["pool"] = new
                {
                    Endpoints = new[] { a.Url, b.Url },
                    HealthCheck = new { Active = new { Path = "/healthz", Interval = "100ms", Timeout = "100ms", HealthyThreshold = 3, UnhealthyThreshold = 2 } },
                },
            }));

        await WaitUntilAsync(async () => await ServedBy(gateway, 20) == "b");
        Volatile.Write(ref aHealthy, true);
        await WaitUntilAsync(async () => (await ServedBy(gateway, 20)).Contains('a', StringComparison.Ordinal));
        Assert.Equal(1, await ObservabilityTests.ScrapeAsync(gateway, "gateway_health_transitions_total", ("backend", "pool"), ("check", "active"), ("state", "unhealthy")));
        Assert.Equal(1, await ObservabilityTests.ScrapeAsync(gateway, "gateway_health_transitions_total", ("backend", "pool"), ("check", "active"), ("state", "healthy")));
    }

    [Fact]
    public async Task Consecutive_5xx_eject_an_endpoint_for_the_ejection_period()
    {
        await using var a = await TestBackend.StartAsync("a");
        a.Handler = context =>
        {
            context.Response.StatusCode = 500;
            return context.Response.WriteAsync("a");
        };
        await using var b = await TestBackend.StartAsync("b");
        b.Handler = context => context.Response.WriteAsync("b");
        await using var gateway = await TestGateway.StartAsync(Section(
            [Route("r", "/", "pool")],
            new Dictionary<string, object>
            {
                ["pool"] = new { Endpoints = new[] { a.Url, b.Url }, HealthCheck = new { Passive = new { ConsecutiveFailures = 3, EjectionPeriod = "1m" } } },
            }));

        for (var i = 0; i < 40 && a.RequestCount < 3; i++)
        {
            using var response = await gateway.Client.GetAsync("/");
        }

        // The verdict on a response is recorded when the proxy finishes it, which can be just after the client has read
        // it: wait for the ejection before counting what reaches the failing endpoint afterwards.
        Assert.Equal(3, a.RequestCount);
        await Kubernetes.Eventually.EqualAsync(1.0, () => ObservabilityTests.ScrapeAsync(gateway, "gateway_health_transitions_total", ("backend", "pool"), ("check", "passive"), ("state", "unhealthy")), "the ejection");
        var before = b.RequestCount;
        for (var i = 0; i < 30; i++)
        {
            using var response = await gateway.Client.GetAsync("/");
        }

        Assert.Equal(3, a.RequestCount);
        Assert.Equal(before + 30, b.RequestCount);
    }

    [Fact]
    public async Task Invalid_resilience_settings_are_rejected_with_object_and_field()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync(Section(
            [Route("r", "/", "a")],
            new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { backend.Url } } }));

        var config = await gateway.ReloadAsync(Section(
            [Route("r", "/", "a", retry: new { Attempts = 9 })],
            new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { backend.Url }, MaxConcurrentRequests = 0 } }));

        var rejected = config["lastRejected"]!.ToJsonString();
        Assert.Contains("Retry.Attempts", rejected, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrentRequests", rejected, StringComparison.Ordinal);
        using var response = await gateway.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<string> ServedBy(TestGateway gateway, int requests)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requests; i++)
        {
            seen.Add(await gateway.Client.GetStringAsync("/"));
        }

        return string.Concat(seen);
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 15 s");
            await Task.Delay(50);
        }
    }

    internal static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
