using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

[Collection(SerialCollection.Name)]
public sealed class RateLimitingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync("model");

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private object Backends => new Dictionary<string, object> { ["model"] = new { Endpoints = new[] { _backend.Url } } };

    private static object Route(string name, string path, string? policy) =>
        new { Name = name, Matches = new[] { new { Path = path } }, Backends = new[] { "model" }, RateLimitPolicy = policy };

    private object Section(object policy, object? rateLimiting = null, string policyName = "per-client") => new
    {
        RateLimiting = rateLimiting ?? new { },
        RateLimitPolicies = new Dictionary<string, object> { [policyName] = policy },
        Routes = new[] { Route("limited", "/predict", policyName), Route("free", "/free", null) },
        Backends,
    };

    private static async Task<HttpStatusCode> Status(TestGateway gateway, string path, string? forwardedFor = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        using var response = await gateway.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Refused_request_gets_429_Retry_After_RateLimit_headers_and_a_problem_body()
    {
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "1/m", Burst = 2 }));

        using (var first = await gateway.Client.GetAsync("/predict"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("\"per-client\";q=1;w=60", string.Join(",", first.Headers.GetValues("RateLimit-Policy")));
            Assert.Equal("\"per-client\";r=1;t=60", string.Join(",", first.Headers.GetValues("RateLimit")));
        }

        using (var second = await gateway.Client.GetAsync("/predict"))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("\"per-client\";r=0;t=120", string.Join(",", second.Headers.GetValues("RateLimit")));
        }

        using var refused = await gateway.Client.GetAsync("/predict");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 59, 60);
        Assert.Equal("\"per-client\";q=1;w=60", refused.Headers.GetValues("RateLimit-Policy").Single());
        Assert.StartsWith("\"per-client\";r=0;t=", refused.Headers.GetValues("RateLimit").Single());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal(429, (int)body["status"]!);
        Assert.Contains("rate limit 'per-client'", (string)body["title"]!);
        Assert.Equal(2, _backend.RequestCount);

        using var free = await gateway.Client.GetAsync("/free");
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        Assert.False(free.Headers.Contains("RateLimit-Policy"));
    }

    [Fact]
    public async Task Policy_may_answer_503_as_ingress_nginx_does()
    {
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "1/m", Burst = 1, StatusCode = 503 }));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Status(gateway, "/predict"));
    }

    [Fact]
    public async Task Forwarded_for_from_an_untrusted_peer_does_not_give_a_fresh_bucket()
    {
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "1/m", Burst = 2 }));
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 5; i++)
        {
            statuses.Add(await Status(gateway, "/predict", forwardedFor: $"198.51.100.{i}"));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_right_most_untrusted_forwarded_address_is_the_client()
    {
        var rateLimiting = new { TrustedProxies = new[] { "127.0.0.1", "10.0.0.0/8" } };
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "1/m", Burst = 1 }, rateLimiting));

        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict", "1.1.1.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/predict", "1.1.1.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/predict", "9.9.9.9, 1.1.1.1, 10.0.0.5"));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict", "1.1.1.1, 2.2.2.2"));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));  // no header: the proxy itself is the client
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/predict"));
    }

    [Fact]
    public async Task Header_key_gives_every_api_key_its_own_bucket()
    {
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "1/m", Burst = 1, Key = "header:X-Api-Key" }));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict", apiKey: "alice"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/predict", apiKey: "alice"));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict", apiKey: "bob"));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/predict"));
    }

    [Fact]
    public async Task Queued_request_waits_for_its_token_instead_of_failing()
    {
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "1/s", Burst = 1, Queue = 1 }));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));
        var queued = Status(gateway, "/predict");
        await Task.Delay(100);
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/predict"));
        Assert.Equal(HttpStatusCode.OK, await queued);
    }

    [Fact]
    public async Task Changing_a_policy_applies_without_restart_and_a_bad_change_keeps_the_old_one()
    {
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "1/m", Burst = 1 }));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/predict"));

        var config = await gateway.ReloadAsync(Section(new { Rate = "1/m", Burst = 3 }));
        Assert.Null(config["lastRejected"]);
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/predict"));

        config = await gateway.ReloadAsync(Section(new { Rate = "30/x", Burst = 0 }));
        var errors = config["lastRejected"]!["details"]!.AsArray().Select(p => $"{p!["object"]}|{p["field"]}|{p["message"]}").ToList();
        Assert.Contains(errors, e => e.StartsWith("rate-limit policy 'per-client'|Rate|'30/x' is not tokens per period", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("rate-limit policy 'per-client'|Burst|is 0", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/predict"));

        await gateway.ReloadAsync(new { Routes = new[] { Route("limited", "/predict", null) }, Backends });
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));
    }

    [Fact]
    public async Task Global_policy_without_redis_is_refused_with_a_clear_error()
    {
        var ex = await Assert.ThrowsAsync<Gateway.Primitives.StartupException>(() => TestGateway.StartAsync(Section(new { Rate = "1/m", Mode = "Global" })));
        Assert.Contains(ex.Errors, e => e.Contains("rate-limit policy 'per-client', field 'Mode': is Global but no Redis is configured"));
    }

    [Fact]
    public async Task Two_gateways_sharing_redis_admit_the_global_total_not_twice_it()
    {
        await using var redis = await RedisServer.StartAsync();
        var section = Section(new { Rate = "1/h", Burst = 20, Mode = "Global" }, new { Redis = redis.ConnectionString });
        await using var one = await TestGateway.StartAsync(section);
        await using var two = await TestGateway.StartAsync(section);

        var admitted = 0;
        for (var i = 0; i < 30; i++)
        {
            admitted += await Status(one, "/predict") == HttpStatusCode.OK ? 1 : 0;
            admitted += await Status(two, "/predict") == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.Equal(20, admitted);
        Assert.Equal(20, _backend.RequestCount);
    }

    private object FailModeSection(RedisServer redis) => new
    {
        RateLimiting = new { Redis = redis.ConnectionString },
        RateLimitPolicies = new Dictionary<string, object>
        {
            ["open"] = new { Rate = "1/h", Burst = 1, Mode = "Global", FailMode = "Open" },
            ["closed"] = new { Rate = "1/h", Burst = 1, Mode = "Global", FailMode = "Closed", Timeout = "50ms" },
            ["local"] = new { Rate = "1/h", Burst = 3, Mode = "Global", FailMode = "Local" },
        },
        Routes = new[] { Route("open", "/open", "open"), Route("closed", "/closed", "closed"), Route("local", "/local", "local"), Route("free", "/free", null) },
        Backends,
    };

    [Fact]
    public async Task During_a_redis_outage_the_circuit_opens_and_requests_are_decided_by_fail_mode_without_waiting_for_redis()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(FailModeSection(redis));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/closed"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/closed"));
        Assert.Equal(0, await CircuitOpen(gateway));

        await redis.KillAsync();
        var untilOpen = Stopwatch.StartNew();
        var failedBeforeOpen = 0;
        await Kubernetes.Eventually.TrueAsync(
            async () =>
            {
                failedBeforeOpen++;
                Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/open"));
                return await CircuitOpen(gateway) == 1;
            },
            "the Redis circuit to open");
        output.WriteLine($"circuit open {untilOpen.ElapsedMilliseconds} ms after the kill, after {failedBeforeOpen} request(s)");

        // Sequential requests during the outage: each limited one is decided at once by its fail mode.
        const int Requests = 200;
        var limited = TimeSpan.Zero;
        var unlimited = TimeSpan.Zero;
        for (var i = 0; i < Requests; i++)
        {
            var watch = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/open"));
            limited += watch.Elapsed;
            watch.Restart();
            Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/free"));
            unlimited += watch.Elapsed;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await Status(gateway, "/closed"));
        }

        output.WriteLine($"during the outage: {limited.TotalMilliseconds / Requests:F3} ms per fail-open request, {unlimited.TotalMilliseconds / Requests:F3} ms per unlimited one");
        Assert.Equal(1, await CircuitOpen(gateway));

        // FailMode Local: a bucket of the policy in this gateway decides meanwhile (burst 3, then refused).
        var local = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            local.Add(await Status(gateway, "/local"));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], local);

        // Restarted empty; the probe finds it and limiting resumes (a fresh bucket: one admitted, then refused).
        await redis.RestartAsync();
        await WaitUntilAsync(async () => await Status(gateway, "/closed") == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/closed"));
        await Kubernetes.Eventually.EqualAsync(0.0, () => CircuitOpen(gateway), "the Redis circuit to close");
    }

    private static Task<double> CircuitOpen(TestGateway gateway) => ObservabilityTests.ScrapeAsync(gateway, "gateway_ratelimit_redis_circuit_open");

    [Fact]
    public async Task Redis_down_fails_open_or_closed_as_configured_and_limiting_resumes_when_it_returns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(FailModeSection(redis));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/open"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/open"));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/closed"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/closed"));

        await redis.KillAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/open"));
            using var closed = await gateway.Client.GetAsync("/closed");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, closed.StatusCode);
            Assert.Contains("rate-limit store is unavailable", await closed.Content.ReadAsStringAsync());
        }

        // Restarted empty: no buckets, no cached script (the gateway must load it again after NOSCRIPT).
        await redis.RestartAsync();
        await WaitUntilAsync(async () => await Status(gateway, "/closed") == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/closed"));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/open"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/open"));
    }

    [Fact]
    public async Task Script_flushed_from_redis_is_loaded_again_without_a_failed_request()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(FailModeSection(redis));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/closed"));

        Assert.Equal("+OK", await redis.CommandAsync("SCRIPT FLUSH"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/closed"));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/open"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(gateway, "/open"));
    }

    [Fact]
    public async Task Unresponsive_redis_costs_no_more_than_the_timeout()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(FailModeSection(redis));
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/closed"));

        await redis.FreezeAsync(true);
        var watch = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/open"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Status(gateway, "/closed"));
        watch.Stop();
        output.WriteLine($"two decisions against a frozen Redis took {watch.ElapsedMilliseconds} ms (timeout 50 ms each)");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}; the client library's own 5 s timeout must not apply");

        await redis.FreezeAsync(false);
        await WaitUntilAsync(async () => await Status(gateway, "/closed") == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Local_limit_admits_rate_times_time_plus_burst_within_1_percent()
    {
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "50/s", Burst = 10 }));
        var (admitted, expected) = await MeasureAsync([gateway], rate: 50, burst: 10);
        var error = (admitted - expected) / expected;
        output.WriteLine($"local: admitted {admitted}, expected {expected:F1}, error {error:P2}");
        Assert.InRange(error, -0.01, 0.01);
    }

    [Fact]
    public async Task Global_limit_across_two_gateways_admits_rate_times_time_plus_burst_within_5_percent()
    {
        await using var redis = await RedisServer.StartAsync();
        // A generous timeout and fail-closed: this measures the bucket, not how a busy machine meets the 50 ms default.
        var section = Section(new { Rate = "50/s", Burst = 10, Mode = "Global", FailMode = "Closed", Timeout = "1s" }, new { Redis = redis.ConnectionString });
        await using var one = await TestGateway.StartAsync(section);
        await using var two = await TestGateway.StartAsync(section);
        var (admitted, expected) = await MeasureAsync([one, two], rate: 50, burst: 10);
        var error = (admitted - expected) / expected;
        output.WriteLine($"global (2 gateways): admitted {admitted}, expected {expected:F1}, error {error:P2}");
        Assert.InRange(error, -0.05, 0.05);
    }

    /// <summary>
    /// Keeps every gateway busy well above the rate for 5 s with 8 concurrent clients each (so a slow moment on a
    /// shared machine does not leave tokens unused); expected is burst + rate x (last answer - first send). A warm-up
    /// request per gateway first, then a pause that refills the bucket, keeps first-call costs out of the figure.
    /// </summary>
    private static async Task<(int Admitted, double Expected)> MeasureAsync(TestGateway[] gateways, int rate, int burst)
    {
        foreach (var gateway in gateways)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(gateway, "/predict"));
        }

        await Task.Delay(TimeSpan.FromSeconds(2.0 * (burst + gateways.Length) / rate));
        var admitted = 0;
        var duration = TimeSpan.FromSeconds(5);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(gateways.SelectMany(gateway => Enumerable.Repeat(gateway, 8)).Select(async gateway =>
        {
            while (watch.Elapsed < duration)
            {
                if (await Status(gateway, "/predict") == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        }));
        return (admitted, burst + (rate * watch.Elapsed.TotalSeconds));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the gateway did not recover within 20 s");
            await Task.Delay(100);
        }
    }
}
