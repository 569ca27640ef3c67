using System.Collections.Immutable;
using System.Net;
using BenchmarkDotNet.Attributes;
using Gateway.Auth;
using Gateway.Model;
using Gateway.Observability;
using Gateway.Primitives;
using Gateway.Proxy.Middleware;
using Gateway.Proxy.Routing;
using Gateway.Proxy.Translation;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Gateway.Benchmarks;

/// <summary>
/// Our share of one request of the load-test route, as one unit: the matcher policy's checks on the candidate endpoint,
/// the route-runtime gate, the 90/10 canary pick and a token from a local limiter that never refuses. The endpoint is
/// built from the translator's output the way the gateway builds it. Every benchmark must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private readonly GatewayMatcherPolicy _matcher = new();
    private LocalRateLimitStore _store = null!;
    private Endpoint _endpoint = null!;
    private CandidateSet _candidates = null!;
    private DefaultHttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var route = new RouteModel
        {
            Name = "service-a",
            Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, "/service-a") }],
            Backends = [new BackendRef("model-v1", 90), new BackendRef("model-v2", 10)],
            RateLimitPolicy = "never-triggers",
        };
        // Faster than any loop can take tokens, so every call takes the admitting path the benchmark is about.
        var policy = new RateLimitPolicy { Name = "never-triggers", Rate = "1000000000/s", Burst = 1_000_000_000 };
        var model = new GatewayModel
        {
            Routes = [route],
            Backends = new Dictionary<string, BackendModel>
            {
                ["model-v1"] = new() { Name = "model-v1", Endpoints = ["http://127.0.0.1:8081"] },
                ["model-v2"] = new() { Name = "model-v2", Endpoints = ["http://127.0.0.1:8082"] },
            }.ToImmutableDictionary(StringComparer.Ordinal),
            RateLimitPolicies = ImmutableDictionary<string, RateLimitPolicy>.Empty.Add(policy.Name, policy),
        };
        var snapshot = YarpTranslator.Translate(model);
        var config = snapshot.Routes[0];

        _store = new LocalRateLimitStore(TimeProvider.System, 1_000_000, TimeSpan.FromSeconds(10));
        var slot = new RouteRateLimitSlot
        {
            Limiter = new RouteRateLimiter(route.Name, new RateLimitRule(policy, TimeProvider.System.TimestampFrequency), _store, new ClientIpResolver([])),
        };
        _endpoint = new Endpoint(
            static _ => Task.CompletedTask,
            new EndpointMetadataCollection(new RouteRuntime(snapshot.Runtimes[config.RouteId].Plan, new RouteSlots(new RouteAuthSlot(), slot, new RouteStats()))),
            config.RouteId);
        _candidates = new CandidateSet([_endpoint], [new RouteValueDictionary()], [0]);

        _context = new DefaultHttpContext();
        _context.Request.Method = HttpMethods.Get;
        _context.Request.Path = "/service-a/predict";
        _context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        _context.SetEndpoint(_endpoint);
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    /// <summary>Match + canary + limiter, reading the per-endpoint data from metadata as the middlewares do.</summary>
    [Benchmark(Baseline = true)]
    public string MatchCanaryLimit()
    {
        _matcher.ApplyAsync(_context, _candidates);
        if (!_candidates.IsValidCandidate(0))
        {
            throw new InvalidOperationException("the route did not match");
        }

        var runtime = _endpoint.Metadata.GetMetadata<RouteRuntime>()!;
        if (runtime.HasAction)
        {
            throw new InvalidOperationException("the route has nothing for RouteBehaviorMiddleware to do");
        }

        var limiter = runtime.RateLimitSlot!.Limiter!.ForCaller(_context);
        var decision = limiter.AcquireAsync(_context);
        if (!decision.IsCompletedSuccessfully || decision.Result.Outcome != RateLimitOutcome.Admitted)
        {
            throw new InvalidOperationException("the limiter refused");
        }

        return runtime.Canary!.Select(_context.Request, Random.Shared, null).Name;
    }

    /// <summary>The same plus the two response headers the hot path writes: the rate-limit state and the variant.</summary>
    [Benchmark]
    public string MatchCanaryLimitWithHeaders()
    {
        var name = MatchCanaryLimit();
        var limiter = _endpoint.Metadata.GetMetadata<RouteRuntime>()!.RateLimitSlot!.Limiter!;
        var decision = limiter.AcquireAsync(_context).Result;
        var headers = _context.Response.Headers;
        headers[RateLimitHeaders.Policy] = limiter.PolicyHeader;
        headers[RateLimitHeaders.State] = limiter.StateHeader(decision);
        return name;
    }
}
