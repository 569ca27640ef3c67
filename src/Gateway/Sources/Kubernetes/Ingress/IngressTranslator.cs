using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Store;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>
/// The routes and backends of one main Ingress (with the canary Ingresses joined to its paths), validated on their own
/// so that one Ingress's bad value leaves out that Ingress only.
/// </summary>
internal sealed class IngressTranslator(V1Ingress ingress, IngressSettings settings, ServiceCatalog catalog, string source)
{
    private readonly List<RouteModel> _routes = [];
    private readonly Dictionary<string, BackendModel> _backends = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tlsHosts = TlsHosts(ingress);
    private readonly bool _tlsWithoutHosts = ingress.Spec?.Tls?.Any(t => t.Hosts is null or { Count: 0 }) == true;

    private string Namespace => ingress.Metadata.NamespaceProperty;

    public IReadOnlyList<RouteModel> Routes => _routes;

    public IEnumerable<BackendModel> Backends => _backends.Values;

    public void AddPath(IngressPath path, (IngressCanary Settings, V1IngressServiceBackend Service)? canary)
    {
        var stable = Backend(path.Service);
        var refs = ImmutableArray.CreateBuilder<BackendRef>();
        CanaryPolicy? canaryPolicy = null;
        if (canary is ({ } canarySettings, var canaryService))
        {
            // The canary's other annotations are ignored: its backend is proxied like the main Ingress's, as in ingress-nginx.
            var canaryBackend = Backend(canaryService);
            refs.Add(new BackendRef(stable, canarySettings.WeightTotal - canarySettings.Weight));
            refs.Add(new BackendRef(canaryBackend, canarySettings.Weight));
            canaryPolicy = new CanaryPolicy
            {
                Backend = canaryBackend,
                Header = canarySettings.Header,
                HeaderValue = canarySettings.HeaderValue,
                HeaderPattern = canarySettings.HeaderPattern,
                Cookie = canarySettings.Cookie,
                Rollout = canarySettings.Rollout,
            };
        }
        else
        {
            refs.Add(new BackendRef(stable));
        }

        _routes.Add(Route($"{path.RuleIndex}/{path.PathIndex}", Hosts(path.Host), Match(path), refs.ToImmutable(), canaryPolicy, RedirectToHttps(path.Host)));
    }

    /// <summary><c>spec.defaultBackend</c>: every request no rule takes, on any host.</summary>
    public void AddDefaultBackend()
    {
        if (ingress.Spec?.DefaultBackend?.Service is not { } service)
        {
            return;
        }

        _routes.Add(Route("default", [], new RouteMatch(), [new BackendRef(Backend(service))], null, settings.ForceSslRedirect));
    }

    /// <summary><c>app-root</c>: a request for <c>/</c> on the Ingress's hosts is redirected (302) to the application root.</summary>
    public void AddAppRoot(IReadOnlyList<IngressPath> paths)
    {
        if (settings.AppRoot is not { } appRoot || paths.Count == 0)
        {
            return;
        }

        var hosts = paths.Any(p => p.Host is null) ? [] : paths.Select(p => p.Host!).Distinct(StringComparer.Ordinal).SelectMany(h => Hosts(h)).ToImmutableArray();
        _routes.Add(new RouteModel
        {
            Name = IngressProcessor.RouteName(ingress, "app-root"),
            Source = source,
            Hostnames = hosts,
            Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.Exact, "/") }],
            Filters = new RouteFilters { Redirect = new RequestRedirect { Path = new PathRewrite(PathRewriteType.ReplaceFullPath, appRoot), StatusCode = 302 } },
            RedirectToHttps = paths.Any(p => RedirectToHttps(p.Host)),
        });
    }

    /// <summary>
    /// Every problem of this Ingress's part of the model; auth policies and a configured token budget are checked with the
    /// merged model, where they are defined.
    /// </summary>
    public List<ModelProblem> Validate() =>
        ModelParts.Check(_routes, _backends.Values, [.. Policies(settings)]);

    /// <summary>The policies the Ingress brings: its request limit and its own token budget.</summary>
    public static IEnumerable<RateLimitPolicy> Policies(IngressSettings settings)
    {
        if (settings.RateLimit is { } requests)
        {
            yield return requests;
        }

        if (settings.TokenLimit is { } tokens)
        {
            yield return tokens;
        }
    }

    private RouteModel Route(string part, ImmutableArray<string> hosts, RouteMatch match, ImmutableArray<BackendRef> backends, CanaryPolicy? canary, bool redirectToHttps)
    {
        var rewrite = settings.RewriteTarget is { } target && match.Path.Type == PathMatchType.RegularExpression
            ? new PathRewrite(PathRewriteType.RegexSubstitution, target)
            : null;
        var requestHeaders = settings.ForwardedPrefix is { } prefix
            ? new HeaderModifier { Set = [new KeyValuePair<string, string>("X-Forwarded-Prefix", prefix)] }
            : null;
        var redirect = settings.Redirect;
        return new RouteModel
        {
            Name = IngressProcessor.RouteName(ingress, part),
            Source = source,
            Hostnames = hosts,
            Matches = [match],
            Filters = new RouteFilters
            {
                UrlRewrite = redirect is null && (rewrite is not null || settings.UpstreamHost is not null) ? new UrlRewrite { Path = rewrite, Hostname = settings.UpstreamHost } : null,
                RequestHeaders = redirect is null ? requestHeaders : null,
                Redirect = redirect,
                AllowSources = settings.AllowSources,
                DenySources = settings.DenySources,
            },
            Backends = redirect is null ? backends : [],
            Canary = redirect is null ? canary : null,
            RateLimitPolicy = settings.RateLimit?.Name,
            TokenLimitPolicy = redirect is null ? settings.TokenLimit?.Name ?? settings.TokenLimitPolicy : null,
            MaxConcurrentRequestsPerClient = settings.MaxConcurrentRequestsPerClient,
            ConcurrencyExemptSources = settings.ConcurrencyExemptSources,
            ResponseHeadersTimeout = settings.ReadTimeout,
            MaxRequestBodySize = settings.MaxBodySize,
            AuthPolicies = settings.AuthPolicies,
            RedirectToHttps = redirectToHttps,
            Cors = settings.Cors,
        };
    }

    /// <summary>
    /// The path match with ingress-nginx semantics: with <c>use-regex</c> (or a <c>rewrite-target</c> other than the path)
    /// the path is a case-insensitive regular expression anchored at the start only, as nginx's <c>location ~* "^path"</c>;
    /// otherwise Exact is exact and Prefix and ImplementationSpecific are segment-aware prefixes.
    /// </summary>
    private RouteMatch Match(IngressPath path)
    {
        var regex = settings.UseRegex || (settings.RewriteTarget is { } target && target != path.Path);
        if (regex)
        {
            return new RouteMatch { Path = new PathMatch(PathMatchType.RegularExpression, $"(?i:{path.Path}).*") };
        }

        return new RouteMatch
        {
            Path = path.PathType == "Exact"
                ? new PathMatch(PathMatchType.Exact, path.Path)
                : new PathMatch(PathMatchType.PathPrefix, path.Path.Length > 1 ? path.Path.TrimEnd('/') : path.Path),
        };
    }

    private ImmutableArray<string> Hosts(string? host) =>
        host is null ? [] : [host, .. settings.ServerAliases.Select(a => a.ToLowerInvariant()).Where(a => a != host)];

    /// <summary>ingress-nginx redirects plain HTTP to HTTPS when the host has TLS, unless <c>ssl-redirect</c> is false; <c>force-ssl-redirect</c> always.</summary>
    private bool RedirectToHttps(string? host) =>
        settings.ForceSslRedirect || (settings.SslRedirect != false && host is not null && (_tlsWithoutHosts || _tlsHosts.Contains(host)));

    private string Backend(V1IngressServiceBackend service)
    {
        var port = IngressProcessor.ServicePort(service)!;
        var name = $"ingress/{Namespace}/{service.Name}:{IngressProcessor.PortText(port)}";
        if (settings.HasBackendSettings)
        {
            // Another Ingress may proxy to the same Service port differently; each Ingress with settings gets its own backend.
            name += $"/{ingress.Metadata.Name}";
        }

        if (!_backends.ContainsKey(name))
        {
            _backends[name] = ApplySettings(catalog.Resolve(name, source, Namespace, service.Name, port));
        }

        return name;
    }

    private BackendModel ApplySettings(BackendModel backend)
    {
        var https = settings.Protocol is BackendProtocol.Https or BackendProtocol.Grpcs;
        var idle = (settings.ReadTimeout, settings.SendTimeout) switch
        {
            ({ } read, { } send) => read > send ? read : send,
            (var read, var send) => read ?? send,
        };
        return backend with
        {
            Endpoints = https ? [.. backend.Endpoints.Select(e => e.StartsWith("http://", StringComparison.Ordinal) ? "https://" + e["http://".Length..] : e)] : backend.Endpoints,
            Http2 = settings.Protocol is BackendProtocol.Grpc or BackendProtocol.Grpcs,
            AcceptAnyServerCertificate = https && !settings.VerifyBackendCertificate,
            ConnectTimeout = settings.ConnectTimeout ?? backend.ConnectTimeout,
            IdleTimeout = idle ?? backend.IdleTimeout,
        };
    }

    private static HashSet<string> TlsHosts(V1Ingress ingress)
    {
        var hosts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in ingress.Spec?.Tls ?? [])
        {
            foreach (var host in entry.Hosts ?? [])
            {
                hosts.Add(host.ToLowerInvariant());
            }
        }

        return hosts;
    }
}
