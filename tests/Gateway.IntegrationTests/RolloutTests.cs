using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>Progressive rollouts run by the gateway itself, against real backends, with short intervals.</summary>
public sealed class RolloutTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Generous: on a loaded machine the rollout must still finish, and the assertions bound what matters (the reaction).
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private TestBackend _v1 = null!;
    private TestBackend _v2 = null!;

    public async Task InitializeAsync()
    {
        _v1 = await TestBackend.StartAsync("v1");
        _v2 = await TestBackend.StartAsync("v2");
    }

    public async Task DisposeAsync()
    {
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }

    private object Config(object rollout) => new
    {
        Routes = new[]
        {
            new
            {
                Name = "predict",
                Matches = new[] { new { Path = "/predict" } },
                Backends = new[] { new { Name = "v1", Weight = 90 }, new { Name = "v2", Weight = 10 } },
                Canary = new { Backend = "v2", Rollout = rollout },
            },
        },
        Backends = new Dictionary<string, object>
        {
            ["v1"] = new { Endpoints = new[] { _v1.Url } },
            ["v2"] = new { Endpoints = new[] { _v2.Url } },
        },
    };

    private static Task<TestGateway> StartAsync(object config) => TestGateway.StartAsync(config, "--Gateway:Rollout:TickInterval=00:00:00.1");

    /// <summary>Sends <paramref name="count"/> requests, 8 at a time; counts answers by status.</summary>
    private static async Task<Dictionary<HttpStatusCode, int>> SendAsync(TestGateway gateway, int count)
    {
        var counts = new ConcurrentDictionary<HttpStatusCode, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var response = await gateway.Client.GetAsync("/predict", ct);
            counts.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
        });
        return new Dictionary<HttpStatusCode, int>(counts);
    }

    private static async Task<JsonNode> RolloutAsync(TestGateway gateway) =>
        JsonNode.Parse(await gateway.Admin.GetStringAsync("/rollouts"))!.AsArray().Single()!;

    /// <summary>Sends traffic until the rollout's phase is <paramref name="phase"/>; <paramref name="onStatus"/> sees every status on the way.</summary>
    private static async Task<JsonNode> DriveUntilAsync(TestGateway gateway, string phase, Action<JsonNode>? onStatus = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await RolloutAsync(gateway);
            onStatus?.Invoke(status);
            if ((string?)status["phase"] == phase)
            {
                return status;
            }

            Assert.True(clock.Elapsed < Patience, $"The rollout did not become {phase} in {Patience}: {status.ToJsonString()}");
            await SendAsync(gateway, 40);
        }
    }

    [Fact]
    public async Task A_healthy_canary_is_promoted_through_every_step_and_then_takes_all_traffic()
    {
        await using var gateway = await StartAsync(Config(new { Steps = new[] { 10, 30, 60, 100 }, Interval = "1s", MinRequests = 20, MaxErrorRate = "5%", MaxP99Latency = "2s" }));
        var weights = new List<int>();

        var promoted = await DriveUntilAsync(gateway, "promoted", status =>
        {
            var weight = (int)status["weight"]!;
            if (weights.Count == 0 || weights[^1] != weight)
            {
                weights.Add(weight);
            }
        });

        Assert.Equal([10, 30, 60, 100], weights);
        var history = promoted["history"]!.AsArray().Select(h => (string)h!).ToList();
        Assert.Contains(history, h => h.Contains("stepped to 30% (step 2 of 4) after 10% passed", StringComparison.Ordinal));
        Assert.Contains(history, h => h.Contains("stepped to 60% (step 3 of 4) after 30% passed", StringComparison.Ordinal));
        Assert.Contains(history, h => h.Contains("promoted after step 3 (60%) passed", StringComparison.Ordinal));
        Assert.Contains("make it the route's only backend", (string)promoted["instruction"]!);

        var stable = _v1.RequestCount;
        Assert.Equal(100, (await SendAsync(gateway, 100))[HttpStatusCode.OK]);
        Assert.Equal(stable, _v1.RequestCount);
        Assert.Contains("rollout promoted at 100%", await gateway.Admin.GetStringAsync("/routes"));
    }

    [Fact]
    public async Task A_canary_that_fails_at_the_third_step_is_rolled_back_within_the_interval_and_gets_no_request_after()
    {
        var interval = TimeSpan.FromSeconds(2);
        await using var gateway = await StartAsync(Config(new { Steps = new[] { 10, 30, 60, 100 }, Interval = "2s", MinRequests = 20, MaxErrorRate = "10%" }));
        long firstFailure = 0;
        var failing = false;

        var rolledBack = await DriveUntilAsync(gateway, "rolled_back", status =>
        {
            if (!failing && (int)status["weight"]! == 60)
            {
                failing = true;
                _v2.Handler = FailingHandler;
            }
        });
        var noticed = Stopwatch.GetTimestamp();

        Assert.True(failing, "The rollout was rolled back before its third step.");
        Assert.Equal(0, (int)rolledBack["weight"]!);
        Assert.StartsWith("rolled back at step 3 (60%): error rate", (string)rolledBack["message"]!);
        var reaction = Stopwatch.GetElapsedTime(Volatile.Read(ref firstFailure), noticed);
        output.WriteLine($"From the canary's first failing answer to the rollback seen on the admin port: {reaction.TotalMilliseconds:0} ms");
        Assert.True(reaction <= interval, $"The rollback took {reaction}, more than the step interval {interval}.");

        var canaryRequests = _v2.RequestCount;
        var answers = await SendAsync(gateway, 200);
        Assert.Equal(200, answers[HttpStatusCode.OK]);
        Assert.Equal(canaryRequests, _v2.RequestCount);
        Assert.Contains("Fix it and change the rollout's revision", (string)rolledBack["instruction"]!);

        Task FailingHandler(Microsoft.AspNetCore.Http.HttpContext context)
        {
            Interlocked.CompareExchange(ref firstFailure, Stopwatch.GetTimestamp(), 0);
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_streaming_canary_is_judged_on_its_first_byte_and_promoted_under_a_p99_bound_its_whole_stream_would_breach()
    {
        // The canary answers its first event at once and ends its stream 1.2 s later: measured to the end, every canary
        // request would be over the 500 ms bound and the rollout rolled back at its first judgement.
        const string Stream = "data: first\n\ndata: [DONE]\n\n";
        _v2.Handler = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: first\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(1200));
            await context.Response.WriteAsync("data: [DONE]\n\n");
        };
        await using var gateway = await StartAsync(Config(new { Steps = new[] { 50, 100 }, Interval = "500ms", MinRequests = 10, MaxP99Latency = "500ms" }));
        var clock = Stopwatch.StartNew();
        var streams = 0;

        var status = await RolloutAsync(gateway);
        while ((string?)status["phase"] != "promoted")
        {
            Assert.True((string?)status["phase"] == "progressing", $"The streaming canary was not promoted: {status.ToJsonString()}");
            Assert.True(clock.Elapsed < Patience, $"The rollout was not promoted in {Patience}: {status.ToJsonString()}");

            // Concurrently, so a round lasts about one stream.
            var bodies = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => gateway.Client.GetStringAsync("/predict")));
            foreach (var body in bodies)
            {
                if (body.StartsWith("data:", StringComparison.Ordinal))
                {
                    Assert.Equal(Stream, body);
                    streams++;
                }
                else
                {
                    Assert.Contains("\"v1\"", body);
                }
            }

            status = await RolloutAsync(gateway);
        }

        Assert.True(streams >= 10, $"Only {streams} streams were answered before the promotion.");
        var p99 = status["checks"]!.AsArray().Single(c => (string?)c!["name"] == "p99_latency")!;
        Assert.True((bool)p99["passed"]!, p99.ToJsonString());
        Assert.Equal(Stream, await gateway.Client.GetStringAsync("/predict"));
    }

    [Fact]
    public async Task Admin_commands_pause_resume_and_abort_a_rollout_and_refuse_what_does_not_apply()
    {
        await using var gateway = await StartAsync(Config(new { Steps = new[] { 50, 100 }, Interval = "1h", MinRequests = 20 }));
        await DriveUntilAsync(gateway, "progressing");

        using var paused = await gateway.Admin.PostAsync("/rollouts/predict/pause", null);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal("paused", (string?)JsonNode.Parse(await paused.Content.ReadAsStringAsync())!["phase"]);
        using var resumed = await gateway.Admin.PostAsync("/rollouts/predict/resume", null);
        Assert.Equal("progressing", (string?)JsonNode.Parse(await resumed.Content.ReadAsStringAsync())!["phase"]);

        using var aborted = await gateway.Admin.PostAsync("/rollouts/predict/abort", null);
        Assert.Equal(0, (int)JsonNode.Parse(await aborted.Content.ReadAsStringAsync())!["weight"]!);
        var canaryRequests = _v2.RequestCount;
        Assert.Equal(100, (await SendAsync(gateway, 100))[HttpStatusCode.OK]);
        Assert.Equal(canaryRequests, _v2.RequestCount);

        using var refused = await gateway.Admin.PostAsync("/rollouts/predict/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("cannot resume: the rollout is rolled back", await refused.Content.ReadAsStringAsync());
        using var unknown = await gateway.Admin.PostAsync("/rollouts/other/pause", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var wrongMethod = await gateway.Admin.GetAsync("/rollouts/predict/pause");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }
}
