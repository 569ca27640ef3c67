using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>
/// The fault suite: what clients see when backends die or hang and when clients misbehave. Everything is on loopback and
/// bounded in count and time. Each test prints its row of the fault table (fault, sent, failed, expected failed).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly RequestDelegate Slowish = async context =>
    {
        await Task.Delay(10, context.RequestAborted);
        await context.Response.WriteAsync("ok");
    };

    [Fact]
    public async Task Backend_killed_under_load_fails_at_most_its_in_flight_requests_and_later_ones_go_elsewhere()
    {
        const int total = 400;
        const int workers = 8;
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        a.Handler = Slowish;
        b.Handler = Slowish;
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[] { new { Name = "r", Matches = new[] { new { Path = "/service-a" } }, Backends = new[] { "pool" }, Retry = new { Attempts = 2 } } },
            Backends = new Dictionary<string, object>
            {
                ["pool"] = new { Endpoints = new[] { a.Url, b.Url }, HealthCheck = new { Passive = new { ConsecutiveFailures = 1, EjectionPeriod = "1m" } } },
            },
        });

        var sent = 0;
        var completed = 0;
        var failed = 0;
        var afterKill = new List<(HttpStatusCode Status, int BCountBefore)>();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killedFlag = 0;
        async Task Worker()
        {
            while (Interlocked.Increment(ref sent) <= total)
            {
                var startedAfterKill = Volatile.Read(ref killedFlag) == 1;
                using var response = await gateway.Client.GetAsync("/service-a/x");
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failed);
                }

                if (startedAfterKill)
                {
                    lock (afterKill)
                    {
                        afterKill.Add((response.StatusCode, 0));
                    }
                }

                if (Interlocked.Increment(ref completed) == total / 3)
                {
                    await a.KillAsync();
                    Volatile.Write(ref killedFlag, 1);
                    killed.SetResult();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(Worker)));
        await killed.Task;
        var aCountAtEnd = a.RequestCount;
        Assert.True(aCountAtEnd > 0, "a served nothing before it was killed");

        Report("backend killed under load", total, failed, $"<= {workers} (in flight to it)");
        Assert.InRange(failed, 0, workers);
        Assert.NotEmpty(afterKill);
        Assert.All(afterKill, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(aCountAtEnd, a.RequestCount);
        Assert.True(b.RequestCount >= total - aCountAtEnd, $"b served {b.RequestCount}, a {aCountAtEnd}");
    }

    [Fact]
    public async Task Backend_that_hangs_gives_504_after_the_timeout_while_other_routes_are_served()
    {
        await using var hung = await TestBackend.StartAsync("hung");
        hung.Handler = context => Task.Delay(Timeout.Infinite, context.RequestAborted);
        await using var fine = await TestBackend.StartAsync("fine");
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "hung", Matches = new[] { new { Path = "/hung" } }, Backends = new[] { "hung" }, Timeout = "500ms" },
                new { Name = "fine", Matches = new[] { new { Path = "/fine" } }, Backends = new[] { "fine" }, Timeout = "500ms" },
            },
            Backends = new Dictionary<string, object>
            {
                ["hung"] = new { Endpoints = new[] { hung.Url } },
                ["fine"] = new { Endpoints = new[] { fine.Url } },
            },
        });

        var hungTasks = Enumerable.Range(0, 10).Select(async _ =>
        {
            var watch = Stopwatch.StartNew();
            using var response = await gateway.Client.GetAsync("/hung");
            return (response.StatusCode, watch.Elapsed);
        }).ToArray();
        var fineStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            using var response = await gateway.Client.GetAsync("/fine");
            fineStatuses.Add(response.StatusCode);
        }

        var hungResults = await Task.WhenAll(hungTasks);
        var failed = hungResults.Count(r => r.StatusCode != HttpStatusCode.OK) + fineStatuses.Count(s => s != HttpStatusCode.OK);
        Report("backend hangs (10 to it, 100 elsewhere)", 110, failed, "10 (504, the hung route only)");
        Assert.All(hungResults, r =>
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, r.StatusCode);
            Assert.InRange(r.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
        });
        Assert.All(fineStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task All_endpoints_down_gives_503_fast_once_health_checks_have_marked_them()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[] { new { Name = "r", Backends = new[] { "down" } } },
            Backends = new Dictionary<string, object>
            {
                ["down"] = new
                {
                    Endpoints = new[] { $"http://127.0.0.1:{ResilienceTests.UnusedPort()}", $"http://127.0.0.1:{ResilienceTests.UnusedPort()}" },
                    HealthCheck = new
                    {
                        Active = new { Path = "/healthz", Interval = "200ms", Timeout = "200ms", UnhealthyThreshold = 1 },
                        Passive = new { ConsecutiveFailures = 1, EjectionPeriod = "1m" },
                    },
                },
            },
        });

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var probe = await gateway.Client.GetAsync("/x");
            if (probe.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still {probe.StatusCode} after 15 s");
            await Task.Delay(50);
        }

        var slowest = TimeSpan.Zero;
        var unavailable = 0;
        for (var i = 0; i < 100; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await gateway.Client.GetAsync("/x");
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            unavailable += response.StatusCode == HttpStatusCode.ServiceUnavailable ? 1 : 0;
        }

        Report("all endpoints down", 100, unavailable, "100 (503, none waits on a connect)");
        Assert.Equal(100, unavailable);
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"slowest 503 took {slowest}");
    }

    [Fact]
    public async Task Slowloris_connections_are_closed_by_the_header_timeout_while_other_clients_are_served()
    {
        const int slowClients = 20;
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync(
            new
            {
                Routes = new object[] { new { Name = "r", Matches = new[] { new { Path = "/service-a" } }, Backends = new[] { "a" } } },
                Backends = new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { backend.Url } } },
            },
            "--Gateway:Limits:RequestHeadersTimeout=00:00:02");
        var port = gateway.Client.BaseAddress!.Port;

        var slow = Enumerable.Range(0, slowClients).Select(_ => Task.Run(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            var watch = Stopwatch.StartNew();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /service-a/x HTTP/1.1\r\nHost: localhost\r\nX-Slow: "));
            var reading = RawHttp.ReadAllAsync(stream, TimeSpan.FromSeconds(15));
            while (!reading.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(15))
            {
                try
                {
                    await stream.WriteAsync("a"u8.ToArray());
                }
                catch (IOException)
                {
                    break;
                }

                await Task.WhenAny(reading, Task.Delay(300));
            }

            var answer = await reading;
            return (Closed: watch.Elapsed < TimeSpan.FromSeconds(15), Status: RawHttp.StatusOf(answer), watch.Elapsed);
        })).ToArray();

        var served = 0;
        var sentNormal = 0;
        while (!slow.All(t => t.IsCompleted) && sentNormal < 200)
        {
            sentNormal++;
            using var response = await gateway.Client.GetAsync("/service-a/x");
            served += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            await Task.Delay(20);
        }

        var results = await Task.WhenAll(slow);
        Report("slowloris (20 slow, normal clients alongside)", slowClients + sentNormal, slowClients + sentNormal - served, $"{slowClients} (the slow connections, closed)");
        Assert.All(results, r =>
        {
            Assert.True(r.Closed, "a slow connection was still open after 15 s");
            Assert.InRange(r.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(15));
            Assert.True(r.Status is 0 or 408, $"answered {r.Status}");
        });
        Assert.Equal(sentNormal, served);
        Assert.True(sentNormal > 10, $"only {sentNormal} normal requests were sent while the slow ones were open");
        Assert.Equal(sentNormal, backend.RequestCount);
    }

    [Fact]
    public async Task Malformed_requests_get_4xx_and_never_reach_an_unintended_backend()
    {
        await using var serviceA = await TestBackend.StartAsync("service-a");
        await using var admin = await TestBackend.StartAsync("admin");
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "a", Matches = new[] { new { Path = "/service-a" } }, Backends = new[] { "service-a" } },
                new { Name = "admin", Matches = new[] { new { Path = "/admin" } }, Backends = new[] { "admin" } },
            },
            Backends = new Dictionary<string, object>
            {
                ["service-a"] = new { Endpoints = new[] { serviceA.Url } },
                ["admin"] = new { Endpoints = new[] { admin.Url } },
            },
        });
        var port = gateway.Client.BaseAddress!.Port;

        var cases = new (string Name, string Request, int Expected)[]
        {
            ("bad Host", "GET /service-a/x HTTP/1.1\r\nHost: exa mple.com\r\nConnection: close\r\n\r\n", 400),
            ("Host with a path", "GET /service-a/x HTTP/1.1\r\nHost: a.com/admin\r\nConnection: close\r\n\r\n", 400),
            ("two Hosts", "GET /service-a/x HTTP/1.1\r\nHost: a.com\r\nHost: b.com\r\nConnection: close\r\n\r\n", 400),
            ("no Host", "GET /service-a/x HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
            ("huge header", $"GET /service-a/x HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', 64 * 1024)}\r\nConnection: close\r\n\r\n", 431),
            ("huge request line", $"GET /service-a/{new string('a', 16 * 1024)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 414),
            ("invalid chunk size", "POST /service-a/x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400),
            ("chunk without its CRLF", "POST /service-a/x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhelloXX0\r\n\r\n", 400),
            ("chunk size overflow", "POST /service-a/x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nfffffffffffffffffff\r\nhello\r\n0\r\n\r\n", 400),
            // Dot segments are resolved, not refused (docs/path-policy.md): /service-a/../admin is /admin. What cannot be
            // resolved safely is refused.
            ("dot-dot above the root", "GET /service-a/../../admin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400),
            ("encoded dot-dot above the root", "GET /%2e%2e/admin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400),
            ("encoded dot-dot and slash", "GET /service-a/%2E%2E%2Fadmin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400),
            ("dot-dot with encoded slash", "GET /service-a/..%2fadmin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400),
            ("encoded backslash", "GET /service-a/..%5cadmin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400),
            ("dot-dot with a parameter", "GET /service-a/..;/admin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400),
        };

        var failures = new List<string>();
        foreach (var (name, request, expected) in cases)
        {
            var status = await RawHttp.SendAsync(port, request);
            if (status != expected)
            {
                failures.Add($"{name}: {status}, expected {expected}");
            }
        }

        Report("malformed requests", cases.Length, cases.Length, $"{cases.Length} (4xx each, 0 reach admin)");
        Assert.Empty(failures);
        Assert.Equal(0, admin.RequestCount);

        // An invalid chunked body may have been started towards service-a, its intended backend; nothing else may have been.
        Assert.InRange(serviceA.RequestCount, 0, 3);
        var afterwards = await RawHttp.SendAsync(port, "GET /service-a/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        Assert.Equal(200, afterwards);
    }

    [Fact]
    public async Task A_million_distinct_api_keys_keep_the_limiter_bounded()
    {
        const int maxKeys = 100_000;
        const int httpKeys = 2_000;
        const int inProcessKeys = 1_000_000;
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync(
            new
            {
                Routes = new object[] { new { Name = "r", Backends = new[] { "a" }, RateLimitPolicy = "per-key" } },
                Backends = new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { backend.Url } } },
                RateLimitPolicies = new Dictionary<string, object> { ["per-key"] = new { Rate = "1/m", Burst = 1, Key = "header:X-Api-Key" } },
            },
            $"--Gateway:RateLimiting:MaxKeysPerPolicy={maxKeys}");

        var limiter = gateway.Services.GetRequiredService<RateLimiterRegistry>().SlotFor("r").Limiter!;
        var store = (LocalRateLimitStore)limiter.Store;

        // Over HTTP: every new key gets its one request; the store holds one bucket per key seen.
        using var client = new HttpClient { BaseAddress = gateway.Client.BaseAddress };
        var rejected = 0;
        for (var i = 0; i < httpKeys; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
            request.Headers.Add("X-Api-Key", $"http-key-{i}");
            using var response = await client.SendAsync(request);
            rejected += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.Equal(0, rejected);
        Assert.Equal(httpKeys, store.Count);

        // The rest of the million through the same limiter in-process (a million HTTP requests would take minutes here).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var context = new DefaultHttpContext();
        for (var i = 0; i < inProcessKeys - httpKeys; i++)
        {
            context.Request.Headers["X-Api-Key"] = $"key-{i}";
            await limiter.AcquireAsync(context);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var grown = after - before;
        Report("1,000,000 distinct X-Api-Key values", inProcessKeys, 0, $"0 (buckets capped at {maxKeys:N0}, held {store.Count:N0}, heap +{grown / (1024 * 1024)} MiB)");
        Assert.Equal(maxKeys, store.Count);
        Assert.True(grown < 64L * 1024 * 1024, $"the heap grew {grown / (1024 * 1024)} MiB for {maxKeys} buckets");

        using var stillServed = new HttpRequestMessage(HttpMethod.Get, "/x");
        stillServed.Headers.Add("X-Api-Key", "http-key-0");
        using var limited = await client.SendAsync(stillServed);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    private void Report(string fault, int sent, int failed, string expected) =>
        output.WriteLine($"| {fault} | {sent} | {failed} | {expected} |");
}
