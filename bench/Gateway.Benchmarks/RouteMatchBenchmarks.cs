using BenchmarkDotNet.Attributes;
using Gateway.Model;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Benchmarks;

/// <summary>
/// The runtime's path and query checks after YARP's pre-selection: a Gateway API prefix (baseline), Istio's plain prefix
/// with and without <c>ignoreUriCase</c>, and a query parameter matched by its exact name in a three-parameter query.
/// Every benchmark must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class RouteMatchBenchmarks
{
    private readonly RouteRuntime _segmentPrefix = Runtime(new RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, "/v1/models") });
    private readonly RouteRuntime _stringPrefix = Runtime(new RouteMatch { Path = new PathMatch(PathMatchType.StringPrefix, "/v1/models") });
    private readonly RouteRuntime _stringPrefixIgnoringCase = Runtime(new RouteMatch { Path = new PathMatch(PathMatchType.StringPrefix, "/v1/models") { IgnoreCase = true } });
    private readonly RouteRuntime _query = Runtime(new RouteMatch { QueryParameters = [new ValueMatch("model", "llama")] });
    private HttpRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/V1/Models/llama/predict";
        context.Request.QueryString = new QueryString("?stream=true&temperature=0.2&model=llama");
        _request = context.Request;
    }

    [Benchmark(Baseline = true)]
    public bool SegmentPrefix() => _segmentPrefix.Matches(_request);

    [Benchmark]
    public bool StringPrefix() => _stringPrefix.Matches(_request);

    [Benchmark]
    public bool StringPrefixIgnoringCase() => _stringPrefixIgnoringCase.Matches(_request);

    [Benchmark]
    public bool QueryByExactName() => _query.Matches(_request);

    private static RouteRuntime Runtime(RouteMatch match) => new(new RoutePlan { Route = "r", Match = match }, null);
}
