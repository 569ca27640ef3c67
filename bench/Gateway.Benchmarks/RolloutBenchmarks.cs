using System.Collections.Immutable;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Gateway.Canary;
using Gateway.Model;
using Gateway.Rollout;
using Microsoft.AspNetCore.Http;

namespace Gateway.Benchmarks;

/// <summary>
/// What a rollout adds to a request of its route: the variant choice under the rollout's share (against the declared
/// weights), the first-byte timer on the response body, and the outcome recorded in its counters. Target: at most 1 µs
/// and 0 B per request together.
/// </summary>
[MemoryDiagnoser]
public class RolloutBenchmarks
{
    private readonly Random _random = new(42);
    private readonly long _elapsed = Stopwatch.Frequency / 20;
    private CanaryTable _declared = null!;
    private CanaryTable _rollout = null!;
    private CanaryTable _stickyRollout = null!;
    private RolloutSlot _slot = null!;
    private HttpRequest _plain = null!;
    private HttpRequest _user = null!;
    private HttpContext _stream = null!;

    [GlobalSetup]
    public void Setup()
    {
        _slot = new RolloutSlot();
        _slot.Apply(new RolloutStatus("predict", "model-v2", new RolloutState("d", RolloutPhase.Progressing, 2, 10, DateTimeOffset.UnixEpoch, false, false, ""), [], [1, 5, 10, 100], null, [], DateTimeOffset.UnixEpoch));
        _declared = Table(new CanaryPolicy { Backend = "model-v2" }, null);
        _rollout = Table(new CanaryPolicy { Backend = "model-v2", Rollout = new RolloutPolicy() }, _slot);
        _stickyRollout = Table(new CanaryPolicy { Backend = "model-v2", StickyHeader = "X-User-Id", Rollout = new RolloutPolicy() }, _slot);
        _plain = new DefaultHttpContext().Request;
        var context = new DefaultHttpContext();
        context.Request.Headers.Append("X-User-Id", "user-12345678");
        _user = context.Request;
        _stream = new DefaultHttpContext();
        _stream.Response.ContentType = "text/event-stream";
    }

    [Benchmark(Baseline = true)]
    public string DeclaredWeights() => _declared.Select(_plain, _random, null).Name;

    [Benchmark]
    public string RolloutSelect() => _rollout.Select(_plain, _random, null).Name;

    [Benchmark]
    public string RolloutStickySelect() => _stickyRollout.Select(_user, _random, null).Name;

    /// <summary>The choice plus what the telemetry step adds for a route under rollout: classify and count the outcome.</summary>
    [Benchmark]
    public bool RolloutSelectAndRecord()
    {
        var variant = _rollout.Select(_plain, _random, null);
        var isCanary = _rollout.IsCanary(variant.Name);
        _rollout.Rollout!.Record(isCanary, RequestOutcomes.Of(200, null), _elapsed);
        return isCanary;
    }

    /// <summary>
    /// As above for a streamed answer, with what the pipeline adds around it: the first-byte timer put on the response
    /// body, one write through it, the timer taken off, and the latency taken to the first byte.
    /// </summary>
    [Benchmark]
    public bool RolloutTimedSelectAndRecord()
    {
        FirstByteTimer.Attach(_stream);
        var variant = _rollout.Select(_stream.Request, _random, null);
        _stream.Response.Body.Write("data: {}\n\n"u8);
        var isCanary = _rollout.IsCanary(variant.Name);
        var end = Stopwatch.GetTimestamp();
        var firstByte = FirstByteTimer.Detach(_stream);
        _rollout.Rollout!.Record(isCanary, RequestOutcomes.Of(200, null), RolloutLatency.Of(_stream.Response, false, end - _elapsed, firstByte, end));
        return isCanary;
    }

    private static CanaryTable Table(CanaryPolicy canary, RolloutSlot? slot)
    {
        var route = new RouteModel
        {
            Name = "predict",
            Matches = [new RouteMatch()],
            Backends = [new BackendRef("model-v1", 90), new BackendRef("model-v2", 10)],
            Canary = canary,
        };
        var model = new GatewayModel
        {
            Routes = [route],
            Backends = new Dictionary<string, BackendModel>
            {
                ["model-v1"] = new() { Name = "model-v1", Endpoints = ["http://10.0.0.1:8080"] },
                ["model-v2"] = new() { Name = "model-v2", Endpoints = ["http://10.0.0.2:8080"] },
            }.ToImmutableDictionary(StringComparer.Ordinal),
        };
        return new CanaryTable(CanaryPlan.For(route, model)!, slot);
    }
}
