using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model;
using Gateway.Sources.Kubernetes.Annotations;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// Turns one attached HTTPRoute into model routes, one per rule, in rule order (the spec's last tie-breaker), with the
/// hostnames its listeners allow. Backend references that do not resolve become backends with a reason, so their
/// share of the requests gets 500 while the rest is served.
/// </summary>
internal sealed class HttpRouteTranslator
{
    private const string RouteGroup = GatewayApiGroup.Name;
    private const string RouteKind = "HTTPRoute";

    private readonly HttpRouteObject _route;
    private readonly string _source;
    private readonly string _object;
    private readonly ServiceCatalog _catalog;
    private readonly ReferenceGrants _grants;
    private readonly InferencePoolCatalog _pools;
    private readonly List<ModelProblem> _unsupported = [];
    private readonly Dictionary<string, BackendModel> _backends = new(StringComparer.Ordinal);
    private RefProblem? _refProblem;

    private HttpRouteTranslator(HttpRouteObject route, string source, ServiceCatalog catalog, ReferenceGrants grants, InferencePoolCatalog pools)
    {
        _pools = pools;
        _route = route;
        _source = source;
        _object = ObjectName(route);
        _catalog = catalog;
        _grants = grants;
    }

    private string Namespace => _route.Metadata.NamespaceProperty;

    public static string ObjectName(HttpRouteObject route) => $"HTTPRoute '{route.Metadata.NamespaceProperty}/{route.Metadata.Name}'";

    public static string BackendName(string ns, string service, int port) => $"httproute/{ns}/{service}:{port.ToString(CultureInfo.InvariantCulture)}";

    public static TranslatedRoute Translate(
        HttpRouteObject route,
        ImmutableArray<string> hostnames,
        RoutePolicies policies,
        ServiceCatalog catalog,
        ReferenceGrants grants,
        InferencePoolCatalog pools,
        string source)
    {
        var translator = new HttpRouteTranslator(route, source, catalog, grants, pools);
        var routes = ImmutableArray.CreateBuilder<RouteModel>();
        var rules = route.Spec.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            routes.Add(translator.Rule(rules[i], i, hostnames, policies));
        }

        return new TranslatedRoute(routes.ToImmutable(), [.. translator._backends.Values], [.. policies.Policies], [.. translator._unsupported], translator._refProblem);
    }

    private void Unsupported(string field, string message) => _unsupported.Add(new ModelProblem(_source, _object, field, message));

    private RouteModel Rule(HttpRouteRule rule, int index, ImmutableArray<string> hostnames, RoutePolicies policies)
    {
        var field = $"spec.rules[{index}]";
        var name = $"httproute/{Namespace}/{_route.Metadata.Name}/{(string.IsNullOrEmpty(rule.Name) ? index.ToString(CultureInfo.InvariantCulture) : rule.Name)}";
        var matches = ImmutableArray.CreateBuilder<RouteMatch>();
        var ruleMatches = rule.Matches is { Count: > 0 } given ? given : [new HttpRouteMatch()];
        for (var m = 0; m < ruleMatches.Count; m++)
        {
            matches.Add(Match(ruleMatches[m], $"{field}.matches[{m}]"));
        }

        var filters = Filters(rule.Filters ?? [], $"{field}.filters");
        var backends = filters.Redirect is null ? BackendRefs(rule, name, field) : [];
        var timeout = Timeout(rule.Timeouts, field);
        return new RouteModel
        {
            Name = name,
            Source = _source,
            Hostnames = hostnames,
            Matches = matches.ToImmutable(),
            Filters = filters,
            Backends = backends,
            Timeout = timeout,
            Canary = backends.Length > 1 ? Canary(rule, backends, policies, field) : null,
            RateLimitPolicy = filters.Redirect is null ? policies.RateLimit?.Name : null,
            TokenLimitPolicy = filters.Redirect is null ? policies.TokenLimit?.Name ?? policies.TokenLimitPolicy : null,
            AuthPolicies = policies.AuthPolicies,
        };
    }

    /// <summary>The split of a rule with several backendRefs; under a rollout, with the canary it steps (see <see cref="SplitCanary"/>).</summary>
    private CanaryPolicy Canary(HttpRouteRule rule, ImmutableArray<BackendRef> backends, RoutePolicies policies, string field)
    {
        var canary = new CanaryPolicy { Fallback = false, StickyHeader = policies.StickyHeader, StickyCookie = policies.StickyCookie };
        if (policies.Rollout is not { } rollout)
        {
            return canary;
        }

        // A rule with several backends has one backend per backendRef, in order.
        var refs = rule.BackendRefs!;
        var candidates = new (string Shown, string[] Names, int Weight)[refs.Count];
        for (var i = 0; i < refs.Count; i++)
        {
            var ns = string.IsNullOrEmpty(refs[i].Namespace) ? Namespace : refs[i].Namespace;
            candidates[i] = ($"'{refs[i].Name}'", [refs[i].Name, $"{ns}/{refs[i].Name}"], backends[i].Weight);
        }

        var index = SplitCanary.Choose(rollout.Canary, candidates, out var problem);
        if (index < 0)
        {
            Unsupported($"{field}.backendRefs", problem);
            return canary;
        }

        return canary with { Backend = backends[index].Name, Rollout = rollout.Policy };
    }

    private RouteMatch Match(HttpRouteMatch match, string field)
    {
        var value = match.Path?.Value ?? "/";
        PathMatchType type;
        switch (match.Path?.Type ?? "PathPrefix")
        {
            case "PathPrefix":
                type = PathMatchType.PathPrefix;
                break;
            case "Exact":
                type = PathMatchType.Exact;
                break;
            case "RegularExpression":
                type = PathMatchType.RegularExpression;
                break;
            case var other:
                Unsupported($"{field}.path.type", $"'{other}' is not a path match type; use PathPrefix, Exact or RegularExpression");
                type = PathMatchType.PathPrefix;
                break;
        }

        return new RouteMatch
        {
            Path = new PathMatch(type, value),
            Method = string.IsNullOrEmpty(match.Method) ? null : match.Method.ToUpperInvariant(),
            Headers = Values(match.Headers, $"{field}.headers", StringComparer.OrdinalIgnoreCase),
            QueryParameters = Values(match.QueryParams, $"{field}.queryParams", StringComparer.Ordinal),
        };
    }

    /// <summary>Header or query matches; of several with the same name only the first counts, as the spec requires.</summary>
    private ImmutableArray<ValueMatch> Values(IList<HttpValueMatch>? matches, string field, StringComparer names)
    {
        if (matches is null || matches.Count == 0)
        {
            return [];
        }

        var seen = new HashSet<string>(names);
        var result = ImmutableArray.CreateBuilder<ValueMatch>();
        for (var i = 0; i < matches.Count; i++)
        {
            var match = matches[i];
            if (!seen.Add(match.Name))
            {
                continue;
            }

            var type = match.Type ?? "Exact";
            if (type is not ("Exact" or "RegularExpression"))
            {
                Unsupported($"{field}[{i}].type", $"'{type}' is not a match type; use Exact or RegularExpression");
                continue;
            }

            result.Add(new ValueMatch(match.Name, match.Value, type == "Exact" ? ValueMatchType.Exact : ValueMatchType.RegularExpression));
        }

        return result.ToImmutable();
    }

    private RouteFilters Filters(IList<HttpRouteFilter> filters, string field)
    {
        var result = RouteFilters.None;
        var mirrors = ImmutableArray.CreateBuilder<Model.RequestMirror>();
        for (var i = 0; i < filters.Count; i++)
        {
            var filter = filters[i];
            var at = $"{field}[{i}]";
            switch (filter.Type)
            {
                case "RequestHeaderModifier" when filter.RequestHeaderModifier is { } headers:
                    result = result with { RequestHeaders = Headers(headers) };
                    break;
                case "ResponseHeaderModifier" when filter.ResponseHeaderModifier is { } headers:
                    result = result with { ResponseHeaders = Headers(headers) };
                    break;
                case "RequestRedirect" when filter.RequestRedirect is { } redirect:
                    result = result with
                    {
                        Redirect = new Model.RequestRedirect
                        {
                            Scheme = redirect.Scheme,
                            Hostname = redirect.Hostname,
                            Port = redirect.Port,
                            Path = PathModifier(redirect.Path, $"{at}.requestRedirect.path"),
                            StatusCode = redirect.StatusCode ?? 302,
                        },
                    };
                    break;
                case "URLRewrite" when filter.UrlRewrite is { } rewrite:
                    result = result with { UrlRewrite = new UrlRewrite { Hostname = rewrite.Hostname, Path = PathModifier(rewrite.Path, $"{at}.urlRewrite.path") } };
                    break;
                case "RequestMirror" when filter.RequestMirror is { } mirror:
                    if (Mirror(mirror, $"{at}.requestMirror") is { } mirrored)
                    {
                        mirrors.Add(mirrored);
                    }

                    break;
                case "RequestHeaderModifier" or "ResponseHeaderModifier" or "RequestRedirect" or "URLRewrite" or "RequestMirror":
                    Unsupported($"{at}", $"a {filter.Type} filter needs its '{char.ToLowerInvariant(filter.Type[0])}{filter.Type[1..]}' field");
                    break;
                default:
                    Unsupported($"{at}.type", $"'{filter.Type}' is not supported; supported filters: RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite, RequestMirror");
                    break;
            }
        }

        return mirrors.Count == 0 ? result : result with { Mirrors = mirrors.ToImmutable() };
    }

    private static HeaderModifier Headers(HttpHeaderFilter filter) => new()
    {
        Set = [.. (filter.Set ?? []).Select(h => KeyValuePair.Create(h.Name, h.Value))],
        Add = [.. (filter.Add ?? []).Select(h => KeyValuePair.Create(h.Name, h.Value))],
        Remove = [.. filter.Remove ?? []],
    };

    private PathRewrite? PathModifier(HttpPathModifier? path, string field)
    {
        switch (path?.Type)
        {
            case null:
                return null;
            case "ReplaceFullPath":
                return new PathRewrite(PathRewriteType.ReplaceFullPath, path.ReplaceFullPath ?? "/");
            case "ReplacePrefixMatch":
                return new PathRewrite(PathRewriteType.ReplacePrefixMatch, path.ReplacePrefixMatch ?? "/");
            default:
                Unsupported($"{field}.type", $"'{path.Type}' is not a path modifier; use ReplaceFullPath or ReplacePrefixMatch");
                return null;
        }
    }

    private Model.RequestMirror? Mirror(HttpRequestMirrorFilter mirror, string field)
    {
        if (mirror.BackendRef is not { } target)
        {
            Unsupported($"{field}.backendRef", "is required: the Service that gets the copies");
            return null;
        }

        var percent = mirror.Percent is { } whole ? whole
            : mirror.Fraction is { } fraction ? fraction.Numerator * 100.0 / (fraction.Denominator ?? 100)
            : 100.0;
        var backend = Backend(target.Group, target.Kind, target.Namespace, target.Name, target.Port, $"{field}.backendRef", $"mirror:{field}");
        return new Model.RequestMirror(backend.Name, percent);
    }

    private ImmutableArray<BackendRef> BackendRefs(HttpRouteRule rule, string routeName, string field)
    {
        var refs = rule.BackendRefs ?? [];
        if (refs.Count == 0)
        {
            // The spec answers 500 for a rule with nowhere to send requests.
            var none = new BackendModel { Name = routeName + "/no-backend", Source = _source, UnresolvedReason = $"{_object} {field} has no backendRefs" };
            _backends[none.Name] = none;
            return [new BackendRef(none.Name)];
        }

        var result = ImmutableArray.CreateBuilder<BackendRef>(refs.Count);
        for (var i = 0; i < refs.Count; i++)
        {
            var backendRef = refs[i];
            if (backendRef.Filters is { Count: > 0 })
            {
                Unsupported($"{field}.backendRefs[{i}].filters", "filters on a backendRef are not supported; put them on the rule");
            }

            var backend = Backend(backendRef.Group, backendRef.Kind, backendRef.Namespace, backendRef.Name, backendRef.Port, $"{field}.backendRefs[{i}]", $"{i}");
            result.Add(new BackendRef(backend.Name, backendRef.Weight ?? 1));
        }

        return result.ToImmutable();
    }

    /// <summary>The backend a reference names, or one with the reason it cannot be used (named after the rule, so another route's valid reference to the same Service is unaffected).</summary>
    private BackendModel Backend(string? group, string? kind, string? ns, string name, int? port, string field, string refId)
    {
        var targetNamespace = string.IsNullOrEmpty(ns) ? Namespace : ns;
        RefProblem? problem = null;
        if (group == InferencePoolQueries.Group && kind == InferencePoolQueries.Kind)
        {
            return Pool(targetNamespace, name, field);
        }

        if (!string.IsNullOrEmpty(group) || (kind ?? "Service") != "Service")
        {
            problem = new RefProblem(GatewayApiConditions.InvalidKind, $"{field}: {(string.IsNullOrEmpty(group) ? "" : group + "/")}{kind} is not supported; refer to a Service or an {InferencePoolQueries.Group}/{InferencePoolQueries.Kind}");
        }
        else if (!_grants.Permits(RouteGroup, RouteKind, Namespace, "", "Service", targetNamespace, name))
        {
            problem = new RefProblem(GatewayApiConditions.RefNotPermitted, $"{field}: Service '{targetNamespace}/{name}' is in another namespace and no ReferenceGrant there allows HTTPRoutes from '{Namespace}'");
        }
        else if (port is null)
        {
            problem = new RefProblem(GatewayApiConditions.BackendNotFound, $"{field}: port is required for a Service");
        }
        else if (_catalog.Find(targetNamespace, name) is null)
        {
            problem = new RefProblem(GatewayApiConditions.BackendNotFound, $"{field}: Service '{targetNamespace}/{name}' not found");
        }

        if (problem is not null)
        {
            return Unresolved(problem, field);
        }

        var backendName = BackendName(targetNamespace, name, port!.Value);
        var backend = _catalog.Resolve(backendName, _source, targetNamespace, name, new ServicePortReference(port, null));
        if (backend.UnresolvedReason is { } reason)
        {
            _refProblem ??= new RefProblem(GatewayApiConditions.BackendNotFound, $"{field}: {reason}");
        }

        _backends[backendName] = backend;
        return backend;
    }

    /// <summary>The backend of an InferencePool in <paramref name="ns"/>: its ready member pods.</summary>
    private BackendModel Pool(string ns, string name, string field)
    {
        if (!_grants.Permits(RouteGroup, RouteKind, Namespace, InferencePoolQueries.Group, InferencePoolQueries.Kind, ns, name))
        {
            return Unresolved(new RefProblem(GatewayApiConditions.RefNotPermitted, $"{field}: InferencePool '{ns}/{name}' is in another namespace and no ReferenceGrant there allows HTTPRoutes from '{Namespace}'"), field);
        }

        if (_pools.Find(ns, name) is null)
        {
            return Unresolved(new RefProblem(GatewayApiConditions.BackendNotFound, $"{field}: InferencePool '{ns}/{name}' not found"), field);
        }

        var backend = _pools.Resolve(_source, ns, name);
        if (backend.UnresolvedReason is { } reason)
        {
            _refProblem ??= new RefProblem(GatewayApiConditions.BackendNotFound, $"{field}: {reason}");
        }

        _backends[backend.Name] = backend;
        return backend;
    }

    /// <summary>A backend with the reason, named after the rule, so another route's valid reference to the same target is unaffected.</summary>
    private BackendModel Unresolved(RefProblem problem, string field)
    {
        _refProblem ??= problem;
        var unresolved = new BackendModel
        {
            Name = $"httproute/{Namespace}/{_route.Metadata.Name}/unresolved/{field}",
            Source = _source,
            UnresolvedReason = $"{_object} {problem.Message}",
        };
        _backends[unresolved.Name] = unresolved;
        return unresolved;
    }

    private TimeSpan? Timeout(HttpRouteTimeouts? timeouts, string field)
    {
        var request = Duration(timeouts?.Request, $"{field}.timeouts.request");
        var backendRequest = Duration(timeouts?.BackendRequest, $"{field}.timeouts.backendRequest");

        // Gateway API routes are not retried, so one backend request is the whole request: the shorter limit applies.
        return request is null ? backendRequest
            : backendRequest is null ? request
            : request < backendRequest ? request : backendRequest;
    }

    private TimeSpan? Duration(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        if (!DurationParser.TryParse(text, out var duration) || duration < TimeSpan.Zero)
        {
            Unsupported(field, $"'{text}' is not a duration such as 10s, 500ms or 1h30m");
            return null;
        }

        // 0s disables the timeout.
        return duration == TimeSpan.Zero ? null : duration;
    }
}
