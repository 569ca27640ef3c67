using System.Net;
using Gateway.Canary;
using Gateway.LoadBalancing;
using Gateway.Model;
using Gateway.Proxy.Routing;
using Gateway.Proxy.Transforms;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using RouteMatch = Gateway.Model.RouteMatch;
using YarpRouteMatch = Yarp.ReverseProxy.Configuration.RouteMatch;

namespace Gateway.Proxy.Translation;

/// <summary>
/// Translates a validated <see cref="GatewayModel"/> into YARP routes and clusters and their runtimes. A pure function:
/// the same model always gives the same configuration, which the golden-file tests pin down.
/// </summary>
internal static class YarpTranslator
{
    private const string CatchAll = "{**gateway-rest}";

    // Transforms that are the same on every route are shared: YARP only reads them, and with 10,000 routes a copy per
    // route is megabytes.
    private static readonly IReadOnlyDictionary<string, string> OriginalHost = Transform("RequestHeaderOriginalHost", "true");

    private static readonly IReadOnlyDictionary<string, string> ForwardedPrefixOff = Transform("X-Forwarded", "Set", "Prefix", "Off");

    public static ProxyConfigSnapshot Translate(GatewayModel model) => Translate(model, cache: null, slots: null);

    /// <param name="model">The model to translate.</param>
    /// <param name="cache">
    /// The translations of earlier calls, reused for unchanged routes and backends (and updated); the result is the same
    /// as without it, but unchanged parts are the very same YARP and runtime objects, which YARP then keeps as they are.
    /// </param>
    /// <param name="slots">Where the routes' runtimes find their auth, limit and statistics slots; null leaves them without.</param>
    public static ProxyConfigSnapshot Translate(GatewayModel model, TranslationCache? cache, RouteSlotRegistry? slots)
    {
        var candidates = new List<(RoutePrecedence Precedence, RankedRoute Route)>();
        for (var routeIndex = 0; routeIndex < model.Routes.Length; routeIndex++)
        {
            var route = model.Routes[routeIndex];
            if (cache?.Find(route, model) is not { } parts)
            {
                parts = TranslateRoute(route, routeIndex, model, slots?.For(route.Name, route.Canary?.Rollout is not null));
                cache?.Add(route, model, parts);
            }

            foreach (var part in parts)
            {
                candidates.Add((part.Precedence with { RouteIndex = routeIndex }, part));
            }
        }

        candidates.Sort((a, b) => a.Precedence.CompareTo(b.Precedence));
        var routes = new RouteConfig[candidates.Count];
        var runtimes = new Dictionary<string, RouteRuntime>(routes.Length, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < routes.Length; i++)
        {
            routes[i] = candidates[i].Route.WithOrder(i);
            runtimes[routes[i].RouteId] = candidates[i].Route.Runtime;
        }

        var translated = model.Backends.Values
            .Where(b => b.UnresolvedReason is null)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .Select(b => cache is null ? BuildCluster(b) : cache.Cluster(b, BuildCluster))
            .ToArray();
        cache?.Commit();
        var clusters = new ClusterConfig[translated.Length];
        var clusterRuntimes = new Dictionary<string, ClusterRuntime>(StringComparer.Ordinal);
        for (var i = 0; i < translated.Length; i++)
        {
            clusters[i] = translated[i].Config;
            if (translated[i].Runtime is { } clusterRuntime)
            {
                clusterRuntimes[clusters[i].ClusterId] = clusterRuntime;
            }
        }

        return new ProxyConfigSnapshot(routes, clusters, runtimes, clusterRuntimes);
    }

    /// <summary>One YARP route per (match, host group) of <paramref name="route"/>, not yet ordered.</summary>
    private static RankedRoute[] TranslateRoute(RouteModel route, int routeIndex, GatewayModel model, RouteSlots? slots)
    {
        var hostGroups = HostGroup.Of(route);
        var count = route.Matches.Length * hostGroups.Count;
        var parts = new RankedRoute[count];
        var serial = 0;
        for (var matchIndex = 0; matchIndex < route.Matches.Length; matchIndex++)
        {
            var match = route.Matches[matchIndex];
            for (var groupIndex = 0; groupIndex < hostGroups.Count; groupIndex++)
            {
                var group = hostGroups[groupIndex];
                var id = count == 1 ? route.Name : $"{route.Name}#{serial}";
                var precedence = new RoutePrecedence(
                    group.Rank, group.Length, match.Path.Type, match.Path.Value.Length, match.Method is not null,
                    match.Headers.Length, match.QueryParameters.Length, routeIndex, matchIndex, groupIndex, route.InDeclarationOrder);
                var runtime = new RouteRuntime(BuildPlan(route, match, model, out var clusterId), slots);
                parts[serial] = new RankedRoute(precedence, BuildRoute(id, route, match, group, clusterId, runtime), runtime);
                serial++;
            }
        }

        return parts;
    }

    /// <summary>What the route does beyond YARP, and the cluster it forwards to (null when it answers by itself).</summary>
    private static RoutePlan BuildPlan(RouteModel route, RouteMatch match, GatewayModel model, out string? clusterId)
    {
        var filters = route.Filters;
        var plan = new RoutePlan
        {
            Route = route.Name,
            Match = match,
            Timeout = route.Timeout,
            ResponseHeadersTimeout = route.ResponseHeadersTimeout,
            Retry = route.Retry,
            MaxRequestBodySize = route.MaxRequestBodySize,
            Cors = route.Cors,
            MaxConcurrentRequestsPerClient = route.MaxConcurrentRequestsPerClient,
            ConcurrencyExemptSources = route.ConcurrencyExemptSources is { } exempt ? [.. exempt] : null,
            AllowSources = filters.AllowSources.IsEmpty ? null : [.. filters.AllowSources],
            DenySources = filters.DenySources.IsEmpty ? null : [.. filters.DenySources],
            RedirectToHttps = route.RedirectToHttps,
            AllowedPathForms = route.AllowedPathForms,
            Fault = filters.Fault,
            AuthPolicies = route.AuthPolicies.IsEmpty ? null : [.. route.AuthPolicies],
            RateLimitPolicy = route.RateLimitPolicy,
            TokenLimitPolicy = route.TokenLimitPolicy,
            ModelCanary = route.ModelCanary,
        };

        var mirrors = filters.Mirrors.Where(m => model.Backends.TryGetValue(m.Backend, out var b) && b.UnresolvedReason is null).ToArray();
        if (mirrors.Length > 0)
        {
            plan = plan with { Mirrors = mirrors };
        }

        clusterId = null;
        if (filters.Redirect is { } redirect)
        {
            return plan with { Redirect = redirect };
        }

        if (filters.DirectResponse is { } direct)
        {
            return plan with { DirectResponse = direct };
        }

        return ResolveCluster(route, model, plan, out clusterId);
    }

    private static RouteConfig BuildRoute(string id, RouteModel route, RouteMatch match, HostGroup hosts, string? clusterId, RouteRuntime runtime)
    {
        var metadata = new Dictionary<string, string>(2, StringComparer.Ordinal)
        {
            [RouteMetadataKeys.Route] = route.Name,
            [RouteMetadataKeys.Revision] = runtime.Revision,
        };
        return new RouteConfig
        {
            RouteId = id,
            ClusterId = clusterId,
            Match = new YarpRouteMatch
            {
                Path = PathTemplate(match.Path),
                Hosts = hosts.Hosts.Count == 0 ? null : hosts.Hosts,
                // Query parameters are left to RouteRuntime: YARP reads them through Request.Query, which folds name case.
                Headers = ExactMatches(match.Headers, static m => new RouteHeader
                {
                    Name = m.Name,
                    Values = [m.Value],
                    Mode = HeaderMatchMode.ExactHeader,
                    IsCaseSensitive = true,
                }),
            },
            Metadata = metadata,
            Transforms = BuildTransforms(route, match),
        };
    }

    /// <summary>
    /// The route's YARP cluster: its heaviest resolved backend, so that the canary step reassigns as few requests as
    /// possible. A route with several backends also gets its <see cref="CanaryPlan"/>; one that cannot forward a 500.
    /// </summary>
    private static RoutePlan ResolveCluster(RouteModel route, GatewayModel model, RoutePlan plan, out string? clusterId)
    {
        clusterId = null;
        var chosen = route.Backends
            .Where(b => b.Weight > 0 && model.Backends.TryGetValue(b.Name, out var backend) && backend.UnresolvedReason is null)
            .MaxBy(b => b.Weight);
        var first = route.Backends.FirstOrDefault(b => b.Weight > 0);
        if (first is null)
        {
            return plan with { FixedStatus = StatusCodes.Status500InternalServerError, FixedStatusReason = "no backend with a weight above 0" };
        }

        if (chosen is null)
        {
            var reason = model.Backends.GetValueOrDefault(first.Name)?.UnresolvedReason ?? $"backend '{first.Name}' does not exist";
            return plan with { FixedStatus = StatusCodes.Status500InternalServerError, FixedStatusReason = reason };
        }

        clusterId = chosen.Name;
        return plan with { Canary = CanaryPlan.For(route, model) };
    }

    private static IReadOnlyList<T>? ExactMatches<T>(IEnumerable<ValueMatch> matches, Func<ValueMatch, T> create)
    {
        var result = matches.Where(m => m.Type == ValueMatchType.Exact && !m.Invert).Select(create).ToArray();
        return result.Length == 0 ? null : result;
    }

    /// <summary>A route template that pre-selects candidates; the exact, case-sensitive check runs in <see cref="GatewayMatcherPolicy"/>.</summary>
    private static string PathTemplate(PathMatch path)
    {
        if (path.Type == PathMatchType.RegularExpression)
        {
            return "/" + CatchAll;
        }

        if (path.Type == PathMatchType.StringPrefix)
        {
            // A plain prefix may end inside a segment (/v1/models matches /v1/modelsx): select everything below its last '/'.
            return EscapeTemplate(path.Value[..(path.Value.LastIndexOf('/') + 1)]) + CatchAll;
        }

        var literal = EscapeTemplate(path.Value);
        if (path.Type == PathMatchType.Exact)
        {
            return literal;
        }

        return literal.EndsWith('/') ? literal + CatchAll : literal + "/" + CatchAll;
    }

    private static string EscapeTemplate(string value) => value.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    private static List<IReadOnlyDictionary<string, string>> BuildTransforms(RouteModel route, RouteMatch match)
    {
        var transforms = new List<IReadOnlyDictionary<string, string>>();
        var rewrite = route.Filters.UrlRewrite;
        if (rewrite?.Hostname is { } hostname)
        {
            transforms.Add(Transform("RequestHeader", "Host", "Set", hostname));
        }
        else
        {
            // Backends see the host the client asked for, as behind nginx and Envoy.
            transforms.Add(OriginalHost);
        }

        switch (rewrite?.Path)
        {
            case { Type: PathRewriteType.ReplacePrefixMatch } prefix:
                // X-Forwarded-Prefix is set by our transform to the prefix it removed, not from PathBase.
                transforms.Add(ForwardedPrefixOff);
                transforms.Add(Transform(TransformNames.ReplacePrefixMatch, match.Path.Value, TransformNames.With, prefix.Value));
                break;
            case { Type: PathRewriteType.ReplaceFullPath } full:
                transforms.Add(Transform("PathSet", full.Value));
                break;
            case { Type: PathRewriteType.RegexSubstitution } substitution:
                transforms.Add(Transform(TransformNames.RegexRewrite, match.Path.Value, TransformNames.With, substitution.Value));
                break;
        }

        if (route.Filters.RequestHeaders is { } request)
        {
            foreach (var (name, value) in request.Set)
            {
                transforms.Add(Transform("RequestHeader", name, "Set", value));
            }

            foreach (var (name, value) in request.Add)
            {
                transforms.Add(Transform(TransformNames.RequestHeaderAdd, name, TransformNames.Value, value));
            }

            foreach (var name in request.Remove)
            {
                transforms.Add(Transform("RequestHeaderRemove", name));
            }
        }

        if (route.Filters.ResponseHeaders is { } response)
        {
            foreach (var (name, value) in response.Set)
            {
                transforms.Add(Transform("ResponseHeader", name, "Set", value, "When", "Always"));
            }

            foreach (var (name, value) in response.Add)
            {
                transforms.Add(Transform("ResponseHeader", name, "Append", value, "When", "Always"));
            }

            foreach (var name in response.Remove)
            {
                transforms.Add(Transform("ResponseHeaderRemove", name, "When", "Always"));
            }
        }

        return transforms;
    }

    private static Dictionary<string, string> Transform(params string[] keysAndValues)
    {
        var transform = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < keysAndValues.Length; i += 2)
        {
            transform[keysAndValues[i]] = keysAndValues[i + 1];
        }

        return transform;
    }

    private static TranslatedCluster BuildCluster(BackendModel backend)
    {
        var runtime = ClusterResilience.Runtime(backend);

        // A destination is named by its address: a pod that stays keeps its YARP state (health, ejection) when others
        // come and go, and logs name the pod rather than a position.
        var endpoints = backend.Endpoints.Current;
        var destinations = new Dictionary<string, DestinationConfig>(endpoints.Length, StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            destinations[endpoint] = Destination(endpoint);
        }

        return new TranslatedCluster(new ClusterConfig
        {
            ClusterId = backend.Name,
            Destinations = destinations,
            HealthCheck = ClusterResilience.HealthCheck(backend),
            HttpRequest = backend.IdleTimeout is null && !backend.Http2 ? null : new ForwarderRequestConfig
            {
                ActivityTimeout = backend.IdleTimeout,
                Version = backend.Http2 ? HttpVersion.Version20 : null,
                VersionPolicy = backend.Http2 ? HttpVersionPolicy.RequestVersionExact : null,
            },
            HttpClient = backend.AcceptAnyServerCertificate ? new HttpClientConfig { DangerousAcceptAnyServerCertificate = true } : null,
            LoadBalancingPolicy = ClusterLoadBalancing.PolicyName(backend.LoadBalancing),
            Metadata = ClusterLoadBalancing.AddMetadata(backend.LoadBalancing, ClusterResilience.Metadata(runtime)),
        }, runtime)
        { Endpoints = endpoints };
    }

    /// <summary>The YARP destination of one endpoint address; also what a live endpoint change adds.</summary>
    public static DestinationConfig Destination(string endpoint) => new() { Address = endpoint };
}
