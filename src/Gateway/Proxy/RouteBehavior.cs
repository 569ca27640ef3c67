using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Model;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy;

/// <summary>
/// What a YARP route must do beyond YARP's own behaviour, compiled once per configuration from the route's metadata and
/// attached to its endpoint, so the hot path reads fields instead of parsing strings.
/// </summary>
internal sealed class RouteBehavior
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly PathMatchType _pathType;
    private readonly string _pathValue;
    private readonly Regex? _pathRegex;
    private readonly string? _method;
    private readonly (string Name, Regex Pattern)[] _headerRegexes;
    private readonly (string Name, Regex Pattern)[] _queryRegexes;

    private RouteBehavior(RouteConfig route)
    {
        var metadata = route.Metadata ?? new Dictionary<string, string>();
        RouteName = metadata.GetValueOrDefault(RouteMetadataKeys.Route, route.RouteId);
        var path = metadata.GetValueOrDefault(RouteMetadataKeys.Path, "PathPrefix:/");
        var separator = path.IndexOf(':', StringComparison.Ordinal);
        _pathType = Enum.Parse<PathMatchType>(path[..separator]);
        _pathValue = path[(separator + 1)..];
        _pathRegex = _pathType == PathMatchType.RegularExpression ? FullMatch(_pathValue) : null;
        _method = metadata.GetValueOrDefault(RouteMetadataKeys.Method);
        _headerRegexes = ReadRegexes(metadata, RouteMetadataKeys.HeaderRegex);
        _queryRegexes = ReadRegexes(metadata, RouteMetadataKeys.QueryRegex);

        if (metadata.TryGetValue(RouteMetadataKeys.Redirect, out var redirect))
        {
            Redirect = JsonSerializer.Deserialize<RequestRedirect>(redirect, ModelJson.Options);
        }

        if (metadata.TryGetValue(RouteMetadataKeys.FixedStatus, out var status))
        {
            FixedStatus = int.Parse(status, CultureInfo.InvariantCulture);
            FixedStatusReason = metadata.GetValueOrDefault(RouteMetadataKeys.FixedStatusReason, "");
        }

        if (metadata.TryGetValue(RouteMetadataKeys.Timeout, out var timeout))
        {
            Timeout = TimeSpan.Parse(timeout, CultureInfo.InvariantCulture);
        }

        if (metadata.TryGetValue(RouteMetadataKeys.ResponseHeadersTimeout, out var headersTimeout))
        {
            ResponseHeadersTimeout = TimeSpan.Parse(headersTimeout, CultureInfo.InvariantCulture);
        }

        if (metadata.TryGetValue(RouteMetadataKeys.Cors, out var cors))
        {
            Cors = new CorsBehavior(JsonSerializer.Deserialize<CorsPolicy>(cors, ModelJson.Options)!);
        }

        if (metadata.TryGetValue(RouteMetadataKeys.AllowSources, out var sources))
        {
            AllowedSources = AddressRanges.Parse(JsonSerializer.Deserialize<string[]>(sources, ModelJson.Options) ?? []);
        }

        if (metadata.TryGetValue(RouteMetadataKeys.DenySources, out var denied))
        {
            DeniedSources = AddressRanges.Parse(JsonSerializer.Deserialize<string[]>(denied, ModelJson.Options) ?? []);
        }

        if (metadata.TryGetValue(RouteMetadataKeys.MaxConcurrentRequestsPerClient, out var perClient))
        {
            ClientConcurrency = new ClientConcurrency(int.Parse(perClient, CultureInfo.InvariantCulture));
        }

        RedirectToHttps = metadata.ContainsKey(RouteMetadataKeys.RedirectToHttps);

        if (metadata.TryGetValue(RouteMetadataKeys.Fault, out var fault))
        {
            Fault = new FaultBehavior(JsonSerializer.Deserialize<FaultInjection>(fault, ModelJson.Options)!);
        }

        if (metadata.TryGetValue(RouteMetadataKeys.DirectResponse, out var direct))
        {
            DirectResponse = JsonSerializer.Deserialize<DirectResponse>(direct, ModelJson.Options);
            DirectResponseBody = DirectResponse?.Body is { } body ? System.Text.Encoding.UTF8.GetBytes(body) : null;
        }

        Retry = RetryBehavior.FromJson(metadata.GetValueOrDefault(RouteMetadataKeys.Retry));
        if (metadata.TryGetValue(RouteMetadataKeys.MaxRequestBodySize, out var maxBody))
        {
            MaxRequestBodySize = long.Parse(maxBody, CultureInfo.InvariantCulture);
        }
    }

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

    /// <summary>Retries on another endpoint, read by <see cref="RetryMiddleware"/>; null never retries.</summary>
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

    /// <summary>A plain-HTTP request gets 308 to https, read by <see cref="Tls.HttpsRedirectMiddleware"/>.</summary>
    public bool RedirectToHttps { get; }

    /// <summary>True when the route needs our middleware; false lets plain proxying skip it.</summary>
    public bool HasAction => Redirect is not null || FixedStatus is not null || Fault is not null || DirectResponse is not null || Timeout is not null || ResponseHeadersTimeout is not null || MaxRequestBodySize is not null;

    public static RouteBehavior From(RouteConfig route) => new(route);

    /// <summary>
    /// The checks YARP's matching cannot express: case-sensitive segment-aware paths, exact paths without a trailing
    /// slash, regular expressions, and the method (so a mismatch means no route, 404).
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
        var pathMatches = _pathType switch
        {
            PathMatchType.Exact => path.Equals(_pathValue, pathComparison),
            PathMatchType.PathPrefix => PrefixRewriter.IsUnder(path, _pathValue, pathComparison),
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

        foreach (var (name, pattern) in _queryRegexes)
        {
            if (!AnyMatches(request.Query[name], pattern))
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

    // NonBacktracking: a user's pattern can never make matching take exponential time.
    public static Regex FullMatch(string pattern) =>
        new($"^(?:{pattern})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexTimeout);

    private static (string, Regex)[] ReadRegexes(IReadOnlyDictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var json))
        {
            return [];
        }

        var pairs = JsonSerializer.Deserialize<string[][]>(json, ModelJson.Options) ?? [];
        return Array.ConvertAll(pairs, pair => (pair[0], FullMatch(pair[1])));
    }
}
