using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Gateway.Canary;
using Gateway.Model;
using Gateway.Proxy.Translation;
using Microsoft.AspNetCore.Http;

namespace Gateway.Benchmarks;

/// <summary>
/// Cost of choosing a variant for one request of a 90/10 route (the work the canary step adds to the hot path).
/// Every benchmark must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class CanarySelectionBenchmarks
{
    private readonly Random _random = new(42);
    private readonly AllAvailable _availability = new();
    private CanaryTable _weighted = null!;
    private CanaryTable _overrides = null!;
    private CanaryTable _stickyHeader = null!;
    private CanaryTable _stickyCookie = null!;
    private HttpRequest _plain = null!;
    private HttpRequest _canaryHeader = null!;
    private HttpRequest _patternHeader = null!;
    private HttpRequest _canaryCookie = null!;
    private HttpRequest _userHeader = null!;
    private HttpRequest _userCookie = null!;

    [GlobalSetup]
    public void Setup()
    {
        _weighted = Table(null);
        _overrides = Table(new CanaryPolicy { Backend = "model-v2", Header = "X-Canary", HeaderPattern = "team-(qa|ml)", Cookie = "canary" });
        _stickyHeader = Table(new CanaryPolicy { Backend = "model-v2", Header = "X-Canary", StickyHeader = "X-User-Id" });
        _stickyCookie = Table(new CanaryPolicy { StickyCookie = "uid" });
        _plain = Request();
        _canaryHeader = Request(("X-Canary", "always"));
        _patternHeader = Request(("X-Canary", "team-ml"));
        _canaryCookie = Request(("Cookie", "session=3f2a9c; theme=dark; canary=always"));
        _userHeader = Request(("X-User-Id", "user-12345678"));
        _userCookie = Request(("Cookie", "session=3f2a9c; uid=user-12345678; theme=dark"));
    }

    [Benchmark(Baseline = true)]
    public string Weighted() => _weighted.Select(_plain, _random, null).Name;

    [Benchmark]
    public string WeightedWithFallbackCheck() => _weighted.Select(_plain, _random, _availability).Name;

    [Benchmark]
    public string HeaderAlways() => _overrides.Select(_canaryHeader, _random, null).Name;

    [Benchmark]
    public string HeaderPattern() => _overrides.Select(_patternHeader, _random, null).Name;

    [Benchmark]
    public string CookieAlways() => _overrides.Select(_canaryCookie, _random, null).Name;

    [Benchmark]
    public string StickyHeader() => _stickyHeader.Select(_userHeader, _random, null).Name;

    [Benchmark]
    public string StickyCookie() => _stickyCookie.Select(_userCookie, _random, null).Name;

    private static CanaryTable Table(CanaryPolicy? canary)
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
        return YarpTranslator.Translate(model).Runtimes.Values.Single().Canary!;
    }

    private static HttpRequest Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        return context.Request;
    }

    /// <summary>Stands in for the proxy state, which answers from a dictionary lookup in the gateway.</summary>
    private sealed class AllAvailable : IVariantAvailability
    {
        public bool IsAvailable(Variant variant) => true;
    }
}
