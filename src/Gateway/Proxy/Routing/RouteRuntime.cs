using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Auth;
using Gateway.Canary;
using Gateway.Inference;
using Gateway.Model;
using Gateway.Observability;
using Gateway.Primitives;
using Gateway.RateLimiting;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Routing;

/// <summary>
/// The one object through which a request reaches its route's policy: the translator makes it next to each YARP route
/// from the route's <see cref="RoutePlan"/>, and the endpoint carries it as metadata (see
/// <see cref="RouteEndpointConvention"/>). Immutable; compiled once, so the hot path reads fields instead of parsing
/// anything. State that outlives configurations (auth, limiters, statistics) sits in slots the route keeps for its life.
/// </summary>
internal sealed class RouteRuntime
{
    private readonly PathMatchType _pathType;
    private readonly string _pathValue;
    private readonly bool _pathIgnoresCase;
    private readonly Regex? _pathRegex;
    private readonly string? _method;
    private readonly (string Name, Regex Pattern)[] _headerRegexes;
    private readonly (string Name, string Value, Regex? Pattern)[] _headerExclusions;
    private readonly (string Name, string Value, Regex? Pattern)[] _queryMatches;

    public RouteRuntime(RoutePlan plan, RouteSlots? slots)
    {
        Plan = plan;
        Revision = RevisionOf(plan);
        RouteName = plan.Route;
        var match = plan.Match;
        _pathType = match.Path.Type;
        _pathValue = match.Path.Value;
        _pathIgnoresCase = match.Path.IgnoreCase;
        _pathRegex = _pathType == PathMatchType.RegularExpression ? RouteRegex.FullMatch(_pathValue) : null;
        _method = match.Method;
        _headerRegexes = Regexes(match.Headers);
        _headerExclusions = Exclusions(match.Headers);
        _queryMatches = QueryMatches(match.QueryParameters);
        Redirect = plan.Redirect;
        FixedStatus = plan.FixedStatus;
        FixedStatusReason = plan.FixedStatusReason ?? "";
        DirectResponse = plan.DirectResponse;
        DirectResponseBody = plan.DirectResponse?.Body is { } body ? Encoding.UTF8.GetBytes(body) : null;
        Timeout = plan.Timeout;
        ResponseHeadersTimeout = plan.ResponseHeadersTimeout;
        MaxRequestBodySize = plan.MaxRequestBodySize;
        Cors = plan.Cors is { } cors ? new CorsBehavior(cors) : null;
        AllowedSources = plan.AllowSources is { } allowed ? AddressRanges.Parse(allowed) : null;
        DeniedSources = plan.DenySources is { } denied ? AddressRanges.Parse(denied) : null;
        ClientConcurrency = plan.MaxConcurrentRequestsPerClient is { } perClient
            ? new ClientConcurrency(perClient, plan.ConcurrencyExemptSources is { } exempt ? AddressRanges.Parse(exempt) : null)
            : null;
        RedirectToHttps = plan.RedirectToHttps;
        AllowedPathForms = plan.AllowedPathForms;
        Fault = plan.Fault is { } fault ? new FaultBehavior(fault) : null;
        Retry = plan.Retry is { } retry ? new RetryBehavior(retry) : null;
        Canary = plan.Canary is { } canary ? new CanaryTable(canary, slots?.Rollout) : null;
        Mirrors = plan.Mirrors;
        ModelCanary = plan.ModelCanary is { } modelCanary ? new ModelVariantTable(plan.Route, modelCanary) : null;
        AuthSlot = slots?.Auth;
        RateLimitSlot = slots?.RateLimit;
        Stats = slots?.Stats;
    }

    /// <summary>What the translator decided, as data.</summary>
    public RoutePlan Plan { get; }

    /// <summary>
    /// A fingerprint of <see cref="Plan"/>, carried in the YARP route's metadata: YARP keeps an endpoint whose route
    /// config is equal to the last one, so a changed plan must change the route config too.
    /// </summary>
    public string Revision { get; }

    public string RouteName { get; }

    /// <summary>The prefix this route matched, for redirects that replace it.</summary>
    public string PathPrefix => _pathValue;

    public RequestRedirect? Redirect { get; }

    public int? FixedStatus { get; }

    /// <summary>Delays or aborts a share of the requests before they are forwarded; null injects nothing.</summary>
    public FaultBehavior? Fault { get; }

    /// <summary>The fixed answer the route gives instead of forwarding.</summary>
    public DirectResponse? DirectResponse { get; }

    /// <summary>UTF-8 of <see cref="DirectResponse"/>'s body, encoded once.</summary>
    public byte[]? DirectResponseBody { get; }

    public string FixedStatusReason { get; } = "";

    public TimeSpan? Timeout { get; }

    /// <summary>How long the backend may take to start its response; null waits up to <see cref="Timeout"/>.</summary>
    public TimeSpan? ResponseHeadersTimeout { get; }

    /// <summary>Retries on another endpoint, read by <see cref="Middleware.RetryMiddleware"/>; null never retries.</summary>
    public RetryBehavior? Retry { get; }

    /// <summary>Largest request body in bytes; null keeps the listener's limit.</summary>
    public long? MaxRequestBodySize { get; }

    /// <summary>Preflight answers and response headers for cross-origin requests; null leaves CORS to the backend.</summary>
    public CorsBehavior? Cors { get; }

    /// <summary>Client address ranges the route serves (others get 403); null serves every client.</summary>
    public AddressRanges? AllowedSources { get; }

    /// <summary>Requests in flight per client (ingress-nginx <c>limit-connections</c>); null is unlimited.</summary>
    public ClientConcurrency? ClientConcurrency { get; }

    /// <summary>Client address ranges the route refuses with 403; null refuses none.</summary>
    public AddressRanges? DeniedSources { get; }

    /// <summary>A plain-HTTP request gets 308 to https, read by <see cref="Middleware.HttpsRedirectMiddleware"/>.</summary>
    public bool RedirectToHttps { get; }

    /// <summary>Path forms refused by default that the route accepts, read by <see cref="Middleware.PathPolicyMiddleware"/>.</summary>
    public PathForms AllowedPathForms { get; }

    /// <summary>The split between the route's backends, read by <see cref="Middleware.CanaryMiddleware"/>; null for one backend.</summary>
    public CanaryTable? Canary { get; }

    /// <summary>Backends that get a copy of the requests, read by <see cref="Middleware.MirrorMiddleware"/>; null mirrors nothing.</summary>
    public RequestMirror[]? Mirrors { get; }

    /// <summary>The real models behind the route's public model, read by <see cref="Middleware.ModelCanaryMiddleware"/>; null forwards the body's model.</summary>
    public ModelVariantTable? ModelCanary { get; }

    /// <summary>Where the route's authentication is in force; null when translated without slots (tests).</summary>
    public RouteAuthSlot? AuthSlot { get; }

    /// <summary>Where the route's limiter is in force; null when translated without slots (tests).</summary>
    public RouteRateLimitSlot? RateLimitSlot { get; }

    /// <summary>The route's request counts for the <c>/routes</c> page; null when translated without slots (tests).</summary>
    public RouteStats? Stats { get; }

    /// <summary>True when the route needs our middleware; false lets plain proxying skip it.</summary>
    public bool HasAction => Redirect is not null || FixedStatus is not null || Fault is not null || DirectResponse is not null || Timeout is not null || ResponseHeadersTimeout is not null || MaxRequestBodySize is not null;

    /// <summary>
    /// The checks YARP's matching cannot express: case-sensitive segment-aware and plain prefixes, exact paths without a
    /// trailing slash, regular expressions, headers that must not match, query parameters by their exact name, and the
    /// method (so a mismatch means no route, 404).
    /// </summary>
    public bool Matches(HttpRequest request) => Matches(request, StringComparison.Ordinal);

    /// <summary>Whether the request would match if the path's case were ignored; a regular expression keeps its own rules.</summary>
    public bool MatchesIgnoringCase(HttpRequest request) => Matches(request, StringComparison.OrdinalIgnoreCase);

    private bool Matches(HttpRequest request, StringComparison pathComparison)
    {
        if (_method is not null && !string.Equals(request.Method, _method, StringComparison.Ordinal))
        {
            return false;
        }

        var path = request.Path.Value.AsSpan();
        if (_pathIgnoresCase)
        {
            pathComparison = StringComparison.OrdinalIgnoreCase;
        }

        var pathMatches = _pathType switch
        {
            PathMatchType.Exact => path.Equals(_pathValue, pathComparison),
            PathMatchType.PathPrefix => PrefixRewriter.IsUnder(path, _pathValue, pathComparison),
            PathMatchType.StringPrefix => path.StartsWith(_pathValue, pathComparison),
            _ => _pathRegex!.IsMatch(path),
        };
        if (!pathMatches)
        {
            return false;
        }

        foreach (var (name, pattern) in _headerRegexes)
        {
            if (!AnyMatches(request.Headers[name], pattern))
            {
                return false;
            }
        }

        foreach (var (name, value, pattern) in _headerExclusions)
        {
            foreach (var actual in request.Headers[name])
            {
                if (actual is not null && (pattern is null ? string.Equals(actual, value, StringComparison.Ordinal) : pattern.IsMatch(actual)))
                {
                    return false;
                }
            }
        }

        var query = request.QueryString.Value;
        foreach (var (name, value, pattern) in _queryMatches)
        {
            if (!QueryStringReader.TryGetFirst(query, name, out var actual)
                || (pattern is null ? !actual.SequenceEqual(value) : !pattern.IsMatch(actual)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyMatches(Microsoft.Extensions.Primitives.StringValues values, Regex pattern)
    {
        foreach (var value in values)
        {
            if (value is not null && pattern.IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }

    private static (string, Regex)[] Regexes(ImmutableArray<Model.ValueMatch> matches)
    {
        var regexes = new List<(string, Regex)>();
        foreach (var match in matches)
        {
            if (match.Type == ValueMatchType.RegularExpression && !match.Invert)
            {
                regexes.Add((match.Name, RouteRegex.FullMatch(match.Value)));
            }
        }

        return [.. regexes];
    }

    private static (string, string, Regex?)[] Exclusions(ImmutableArray<Model.ValueMatch> matches)
    {
        var exclusions = new List<(string, string, Regex?)>();
        foreach (var match in matches)
        {
            if (match.Invert)
            {
                exclusions.Add((match.Name, match.Value, match.Type == ValueMatchType.RegularExpression ? RouteRegex.FullMatch(match.Value) : null));
            }
        }

        return [.. exclusions];
    }

    private static (string, string, Regex?)[] QueryMatches(ImmutableArray<Model.ValueMatch> matches)
    {
        var result = new (string, string, Regex?)[matches.Length];
        for (var i = 0; i < matches.Length; i++)
        {
            var match = matches[i];
            result[i] = (match.Name, match.Value, match.Type == ValueMatchType.RegularExpression ? RouteRegex.FullMatch(match.Value) : null);
        }

        return result;
    }

    private static string RevisionOf(RoutePlan plan) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(plan, ModelJson.Options)), 0, 8);
}
