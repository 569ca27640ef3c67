using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model;
using Gateway.Primitives;
using Gateway.Sources.Kubernetes.Annotations;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>
/// Reads the ingress-nginx annotations of an Ingress with their documented meaning. An invalid value, or an annotation
/// the gateway refuses (snippets of nginx code, authentication it does not implement), is an error that leaves the
/// Ingress out; an annotation it does not implement but can serve without is a warning. Nothing is silently ignored.
/// </summary>
internal static class IngressAnnotations
{
    /// <summary>The rate ingress-nginx answers with when a limit refuses a request (its <c>limit-req-status-code</c> default).</summary>
    public const int LimitStatusCode = 503;

    public const int DefaultBurstMultiplier = 5;

    private static readonly ImmutableArray<string> DefaultCorsMethods = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"];

    private static readonly ImmutableArray<string> DefaultCorsHeaders =
        ["DNT", "Keep-Alive", "User-Agent", "X-Requested-With", "If-Modified-Since", "Cache-Control", "Content-Type", "Range", "Authorization"];

    private static readonly TimeSpan DefaultCorsMaxAge = TimeSpan.FromSeconds(1728000);

    public static string Object(V1Ingress ingress) => $"Ingress '{ingress.Metadata.NamespaceProperty}/{ingress.Metadata.Name}'";

    /// <summary>The settings, or null when the Ingress must be left out (then <paramref name="errors"/> says why).</summary>
    public static IngressSettings? Parse(V1Ingress ingress, string source, List<ModelProblem> errors, List<ModelProblem> warnings)
    {
        var annotations = ingress.Metadata.Annotations ?? new Dictionary<string, string>();
        var obj = Object(ingress);
        var errorCount = errors.Count;
        void Error(string name, string message) => errors.Add(new ModelProblem(source, obj, NginxAnnotations.Field(NginxAnnotations.Prefix + name), message));
        void Warn(string name, string message) => warnings.Add(new ModelProblem(source, obj, NginxAnnotations.Field(NginxAnnotations.Prefix + name), message));
        string? Get(string name) => annotations.TryGetValue(NginxAnnotations.Prefix + name, out var value) ? value.Trim() : null;

        foreach (var key in annotations.Keys.Order(StringComparer.Ordinal))
        {
            if (key.StartsWith(NginxAnnotations.Prefix, StringComparison.Ordinal))
            {
                var name = key[NginxAnnotations.Prefix.Length..];
                switch (NginxAnnotations.Support(key))
                {
                    case AnnotationSupport.Refused when name.EndsWith("snippet", StringComparison.Ordinal) || name.EndsWith("snippets", StringComparison.Ordinal):
                        Error(name, "holds nginx configuration code, which the gateway never evaluates (see docs/ingress-nginx.md for the gateway's equivalents)");
                        break;
                    case AnnotationSupport.Refused:
                        Error(name, "is not supported, and serving the Ingress without it could expose what it protects (see docs/ingress-nginx.md)");
                        break;
                    case AnnotationSupport.Ignored:
                        Warn(name, "is not supported by the gateway and is ignored; the Ingress is served without it");
                        break;
                    case null:
                        Warn(name, "is not an ingress-nginx annotation the gateway knows and is ignored");
                        break;
                }
            }
            else if (key.StartsWith(MlGatewayAnnotations.Prefix, StringComparison.Ordinal) && !KnownAnnotations.Ingress.Contains(key))
            {
                warnings.Add(new ModelProblem(source, obj, NginxAnnotations.Field(key), $"is not a gateway annotation for Ingresses and is ignored; known annotations: {string.Join(", ", KnownAnnotations.Ingress)}"));
            }
        }

        bool? Bool(string name)
        {
            if (Get(name) is not { } text)
            {
                return null;
            }

            if (bool.TryParse(text, out var value))
            {
                return value;
            }

            Error(name, $"'{text}' must be \"true\" or \"false\"");
            return null;
        }

        int? Int(string name, int min, int max, string meaning)
        {
            if (Get(name) is not { } text)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            Error(name, $"'{text}' must be a whole number from {min} to {max} ({meaning})");
            return null;
        }

        TimeSpan? Seconds(string name)
        {
            var seconds = Int(name, 1, 86_400, "seconds");
            return seconds is { } value ? TimeSpan.FromSeconds(value) : null;
        }

        ImmutableArray<string> Ranges(string name)
        {
            if (Get(name) is not { } text)
            {
                return [];
            }

            var entries = Split(text);
            if (entries.IsEmpty)
            {
                Error(name, "is empty; list CIDR ranges separated by commas, such as 10.0.0.0/8,192.168.1.7");
                return [];
            }

            if (!AddressRanges.TryParse(entries, out _, out var error))
            {
                Error(name, error);
                return [];
            }

            return entries;
        }

        var canary = ReadCanary(Get, Bool, Int, Error, Warn);
        var rollout = RolloutAnnotations.Read(
            key => annotations.TryGetValue(key, out var value) ? value.Trim() : null,
            (key, message) => errors.Add(new ModelProblem(source, obj, MlGatewayAnnotations.Field(key), message)));
        if (rollout is not null)
        {
            if (canary is null)
            {
                errors.Add(new ModelProblem(source, obj, MlGatewayAnnotations.Field(MlGatewayAnnotations.RolloutSteps), $"rollout annotations belong on a canary Ingress ({NginxAnnotations.Prefix}{NginxAnnotations.Canary}: \"true\")"));
            }
            else
            {
                canary = canary with { Rollout = rollout };
            }
        }
        if (canary is not null)
        {
            foreach (var key in annotations.Keys.Order(StringComparer.Ordinal))
            {
                if (key.StartsWith(NginxAnnotations.Prefix, StringComparison.Ordinal)
                    && NginxAnnotations.Support(key) == AnnotationSupport.Supported
                    && !key[NginxAnnotations.Prefix.Length..].StartsWith(NginxAnnotations.Canary, StringComparison.Ordinal))
                {
                    Warn(key[NginxAnnotations.Prefix.Length..], "is ignored on a canary Ingress: its paths are served with the main Ingress's annotations, as in ingress-nginx");
                }
            }
        }

        var useRegex = Bool(NginxAnnotations.UseRegex) ?? false;
        var rewriteTarget = Get(NginxAnnotations.RewriteTarget);
        if (rewriteTarget is not null && (rewriteTarget.Length == 0 || rewriteTarget[0] is not ('/' or '$') || rewriteTarget.Any(c => c is '?' or '#' or ' ' or '\t' or '\r' or '\n')))
        {
            Error(NginxAnnotations.RewriteTarget, $"'{rewriteTarget}' must be a path starting with '/' (or a capture such as $1), without query or spaces, e.g. /$2");
        }

        var appRoot = Get(NginxAnnotations.AppRoot);
        if (appRoot is not null && (!appRoot.StartsWith('/') || appRoot.Any(c => c is '?' or '#' or ' ' or '\t' or '\r' or '\n')))
        {
            Error(NginxAnnotations.AppRoot, $"'{appRoot}' must be a path starting with '/', e.g. /app");
        }

        var protocol = BackendProtocol.Http;
        if (Get(NginxAnnotations.BackendProtocol) is { } protocolText)
        {
            switch (protocolText.ToUpperInvariant())
            {
                case "HTTP": protocol = BackendProtocol.Http; break;
                case "HTTPS": protocol = BackendProtocol.Https; break;
                case "GRPC": protocol = BackendProtocol.Grpc; break;
                case "GRPCS": protocol = BackendProtocol.Grpcs; break;
                default:
                    Error(NginxAnnotations.BackendProtocol, $"'{protocolText}' is not supported; use HTTP, HTTPS, GRPC or GRPCS (AJP and FCGI are not proxied by the gateway)");
                    break;
            }
        }

        var verify = false;
        if (Get(NginxAnnotations.ProxySslVerify) is { } verifyText)
        {
            if (verifyText is not ("on" or "off"))
            {
                Error(NginxAnnotations.ProxySslVerify, $"'{verifyText}' must be \"on\" or \"off\"");
            }

            verify = verifyText == "on";
        }

        long? bodySize = null;
        if (Get(NginxAnnotations.ProxyBodySize) is { } sizeText)
        {
            if (NginxSize.TryParse(sizeText, out var bytes))
            {
                bodySize = bytes == 0 ? long.MaxValue : bytes;
            }
            else
            {
                Error(NginxAnnotations.ProxyBodySize, $"'{sizeText}' is not an nginx size such as 8m, 512k or 1g (0 for unlimited)");
            }
        }

        // ingress-nginx's allowlist exempts clients from every limit annotation: the rates and limit-connections.
        var limitExempt = Get(NginxAnnotations.LimitAllowlist) is not null ? Ranges(NginxAnnotations.LimitAllowlist) : Ranges(NginxAnnotations.LimitWhitelist);
        var limitConnections = Int(NginxAnnotations.LimitConnections, 1, 1_000_000, "requests one client may have in flight");
        var rateLimit = ReadRateLimit(ingress, source, Get, Int, limitExempt, limitConnections is not null, Warn);
        var allow = Get(NginxAnnotations.AllowlistSourceRange) is not null ? Ranges(NginxAnnotations.AllowlistSourceRange) : Ranges(NginxAnnotations.WhitelistSourceRange);
        if (Get(NginxAnnotations.AllowlistSourceRange) is not null && Get(NginxAnnotations.WhitelistSourceRange) is not null)
        {
            Warn(NginxAnnotations.WhitelistSourceRange, $"is the old name of {NginxAnnotations.AllowlistSourceRange}, which is also set and wins");
        }

        var deny = Ranges(NginxAnnotations.DenylistSourceRange);
        var cors = ReadCors(Get, Bool, Int, Error, Warn);

        var upstreamHost = Get(NginxAnnotations.UpstreamVhost);
        if (upstreamHost is not null && Uri.CheckHostName(upstreamHost) == UriHostNameType.Unknown)
        {
            Error(NginxAnnotations.UpstreamVhost, $"'{upstreamHost}' is not a hostname");
        }

        var forwardedPrefix = Get(NginxAnnotations.XForwardedPrefix);
        if (forwardedPrefix is not null && forwardedPrefix.Any(c => c is '\r' or '\n' or '\0'))
        {
            Error(NginxAnnotations.XForwardedPrefix, "a header value cannot contain CR, LF or NUL");
        }

        var aliases = Get(NginxAnnotations.ServerAlias) is { } aliasText ? Split(aliasText) : [];
        foreach (var alias in aliases)
        {
            if (Uri.CheckHostName(alias.TrimStart('*', '.')) != UriHostNameType.Dns)
            {
                Error(NginxAnnotations.ServerAlias, $"'{alias}' is not a hostname");
            }
        }

        var redirect = ReadRedirect(Get, Int, Error);
        var sslRedirect = Bool(NginxAnnotations.SslRedirect);
        var forceSslRedirect = Bool(NginxAnnotations.ForceSslRedirect) ?? false;
        var connectTimeout = Seconds(NginxAnnotations.ProxyConnectTimeout);
        var readTimeout = Seconds(NginxAnnotations.ProxyReadTimeout);
        var sendTimeout = Seconds(NginxAnnotations.ProxySendTimeout);

        var authPolicies = annotations.TryGetValue(MlGatewayAnnotations.AuthPolicy, out var authText) ? Split(authText) : [];
        if (annotations.ContainsKey(MlGatewayAnnotations.AuthPolicy) && authPolicies.IsEmpty)
        {
            errors.Add(new ModelProblem(source, obj, NginxAnnotations.Field(MlGatewayAnnotations.AuthPolicy), "is empty; name one or more auth policies separated by commas"));
        }

        var tokenLimit = ReadTokenLimit(ingress, source, annotations, canary is not null, warnings, out var tokenLimitPolicy);
        if (errors.Count > errorCount)
        {
            return null;
        }

        return new IngressSettings
        {
            UseRegex = useRegex,
            RewriteTarget = rewriteTarget,
            AppRoot = appRoot,
            SslRedirect = sslRedirect,
            ForceSslRedirect = forceSslRedirect,
            Protocol = protocol,
            VerifyBackendCertificate = verify,
            ConnectTimeout = connectTimeout,
            ReadTimeout = readTimeout,
            SendTimeout = sendTimeout,
            MaxBodySize = bodySize,
            RateLimit = rateLimit,
            MaxConcurrentRequestsPerClient = limitConnections,
            ConcurrencyExemptSources = limitConnections is null || limitExempt.IsEmpty ? null : limitExempt,
            AllowSources = allow,
            DenySources = deny,
            Canary = canary,
            Cors = cors,
            UpstreamHost = upstreamHost,
            ForwardedPrefix = forwardedPrefix,
            ServerAliases = aliases,
            Redirect = redirect,
            AuthPolicies = authPolicies,
            TokenLimit = tokenLimit,
            TokenLimitPolicy = tokenLimitPolicy,
        };
    }

    /// <summary>
    /// The token budget of the Ingress's paths, as on a Service. A bad value is a warning and the Ingress is served
    /// without a budget; on a canary Ingress the annotations are ignored, as its paths are the main Ingress's.
    /// </summary>
    private static RateLimitPolicy? ReadTokenLimit(
        V1Ingress ingress, string source, IDictionary<string, string> annotations, bool isCanary, List<ModelProblem> warnings, out string? configured)
    {
        var obj = Object(ingress);
        string? Get(string key) => annotations.TryGetValue(key, out var value) ? value.Trim() : null;
        void Warn(string key, string message) => warnings.Add(new ModelProblem(source, obj, NginxAnnotations.Field(key), message));
        if (isCanary)
        {
            foreach (var key in TokenLimitAnnotations.All)
            {
                if (Get(key) is not null)
                {
                    Warn(key, "is ignored on a canary Ingress: its paths are served with the main Ingress's token budget");
                }
            }

            configured = null;
            return null;
        }

        return TokenLimitAnnotations.Read(
            Get,
            $"ingress/{ingress.Metadata.NamespaceProperty}/{ingress.Metadata.Name}/tokens",
            source,
            (key, message) => Warn(key, message + "; the Ingress is served without a token budget until this is fixed"),
            out configured);
    }

    private static IngressCanary? ReadCanary(
        Func<string, string?> get, Func<string, bool?> readBool, Func<string, int, int, string, int?> readInt, Action<string, string> error, Action<string, string> warn)
    {
        string[] family = [NginxAnnotations.CanaryWeight, NginxAnnotations.CanaryWeightTotal, NginxAnnotations.CanaryByHeader, NginxAnnotations.CanaryByHeaderValue, NginxAnnotations.CanaryByHeaderPattern, NginxAnnotations.CanaryByCookie];
        if (readBool(NginxAnnotations.Canary) != true)
        {
            foreach (var name in family)
            {
                if (get(name) is not null)
                {
                    warn(name, $"has no effect without {NginxAnnotations.Prefix}{NginxAnnotations.Canary}: \"true\"");
                }
            }

            return null;
        }

        var total = readInt(NginxAnnotations.CanaryWeightTotal, 1, 1_000_000, "the total of the canary weights") ?? 100;
        var weight = readInt(NginxAnnotations.CanaryWeight, 0, total, $"the canary's share out of {total}") ?? 0;
        var header = get(NginxAnnotations.CanaryByHeader);
        var value = get(NginxAnnotations.CanaryByHeaderValue);
        var pattern = get(NginxAnnotations.CanaryByHeaderPattern);
        if (header is not null && !IsToken(header))
        {
            error(NginxAnnotations.CanaryByHeader, $"'{header}' is not a header name");
        }

        var cookie = get(NginxAnnotations.CanaryByCookie);
        if (cookie is not null && !IsToken(cookie))
        {
            error(NginxAnnotations.CanaryByCookie, $"'{cookie}' is not a cookie name");
        }

        if ((value ?? pattern) is not null && header is null)
        {
            warn(value is not null ? NginxAnnotations.CanaryByHeaderValue : NginxAnnotations.CanaryByHeaderPattern, $"has no effect without {NginxAnnotations.Prefix}{NginxAnnotations.CanaryByHeader}");
            value = pattern = null;
        }

        if (value is not null && pattern is not null)
        {
            warn(NginxAnnotations.CanaryByHeaderPattern, $"is ignored because {NginxAnnotations.CanaryByHeaderValue} is set, as in ingress-nginx");
            pattern = null;
        }

        if (value is { Length: 0 })
        {
            error(NginxAnnotations.CanaryByHeaderValue, "is empty; give the header value that selects the canary");
        }

        if (pattern is not null)
        {
            try
            {
                _ = RouteRegex.FullMatch(pattern);
            }
            catch (ArgumentException ex)
            {
                error(NginxAnnotations.CanaryByHeaderPattern, $"'{pattern}' is not a regular expression the gateway can run: {ex.Message}");
            }
        }

        return new IngressCanary { Weight = weight, WeightTotal = total, Header = header, HeaderValue = value, HeaderPattern = pattern, Cookie = cookie };
    }

    private static RateLimitPolicy? ReadRateLimit(
        V1Ingress ingress, string source, Func<string, string?> get, Func<string, int, int, string, int?> readInt,
        ImmutableArray<string> exempt, bool limitsConnections, Action<string, string> warn)
    {
        var rps = readInt(NginxAnnotations.LimitRps, 1, RateLimitRate.MaxTokens, "requests per second from one client");
        var rpm = readInt(NginxAnnotations.LimitRpm, 1, RateLimitRate.MaxTokens, "requests per minute from one client");
        var multiplier = readInt(NginxAnnotations.LimitBurstMultiplier, 1, 1000, "burst size as a multiple of the rate") ?? DefaultBurstMultiplier;
        if (rps is null && rpm is null)
        {
            if (get(NginxAnnotations.LimitBurstMultiplier) is not null)
            {
                warn(NginxAnnotations.LimitBurstMultiplier, $"has no effect without {NginxAnnotations.Prefix}{NginxAnnotations.LimitRps} or {NginxAnnotations.LimitRpm}");
            }

            foreach (var name in new[] { NginxAnnotations.LimitAllowlist, NginxAnnotations.LimitWhitelist })
            {
                if (get(name) is not null && !limitsConnections)
                {
                    warn(name, $"has no effect without {NginxAnnotations.Prefix}{NginxAnnotations.LimitRps}, {NginxAnnotations.LimitRpm} or {NginxAnnotations.LimitConnections}");
                }
            }

            return null;
        }

        // Both set: ingress-nginx enforces both (each with the burst multiplier), so the route gets the per-second
        // limit with the per-minute one as its second limit.
        var policyName = $"ingress/{ingress.Metadata.NamespaceProperty}/{ingress.Metadata.Name}";
        RateLimitPolicy Policy(string name, int tokens, string unit) => new()
        {
            Name = name,
            Source = source,
            Rate = $"{tokens.ToString(CultureInfo.InvariantCulture)}/{unit}",
            Burst = (int)Math.Min((long)tokens * multiplier, RateLimitRate.MaxTokens),
            Key = RateLimitKeySpec.DefaultText,
            StatusCode = LimitStatusCode,
            ExemptSources = exempt,
        };

        return (rps, rpm) switch
        {
            ({ } perSecond, { } perMinute) => Policy(policyName + "/rps", perSecond, "s") with { Also = Policy(policyName + "/rpm", perMinute, "m") },
            ({ } perSecond, null) => Policy(policyName, perSecond, "s"),
            _ => Policy(policyName, rpm!.Value, "m"),
        };
    }

    private static CorsPolicy? ReadCors(
        Func<string, string?> get, Func<string, bool?> readBool, Func<string, int, int, string, int?> readInt, Action<string, string> error, Action<string, string> warn)
    {
        string[] family = [NginxAnnotations.CorsAllowOrigin, NginxAnnotations.CorsAllowMethods, NginxAnnotations.CorsAllowHeaders, NginxAnnotations.CorsExposeHeaders, NginxAnnotations.CorsAllowCredentials, NginxAnnotations.CorsMaxAge];
        if (readBool(NginxAnnotations.EnableCors) != true)
        {
            foreach (var name in family)
            {
                if (get(name) is not null)
                {
                    warn(name, $"has no effect without {NginxAnnotations.Prefix}{NginxAnnotations.EnableCors}: \"true\"");
                }
            }

            return null;
        }

        ImmutableArray<string> List(string name, ImmutableArray<string> fallback, Func<char, bool> allowed, string expected)
        {
            if (get(name) is not { } text)
            {
                return fallback;
            }

            var items = Split(text);
            foreach (var item in items)
            {
                if (!item.All(allowed))
                {
                    error(name, $"'{item}' is not valid: {expected}");
                }
            }

            return items;
        }

        var origins = List(NginxAnnotations.CorsAllowOrigin, ["*"], _ => true, "");
        foreach (var origin in origins)
        {
            if (origin != "*" && !IsOrigin(origin))
            {
                error(NginxAnnotations.CorsAllowOrigin, $"'{origin}' is not an origin such as https://app.example.com, https://*.example.com:8443 or *");
            }
        }

        var maxAge = readInt(NginxAnnotations.CorsMaxAge, 0, int.MaxValue, "seconds a browser may cache a preflight answer");
        return new CorsPolicy
        {
            AllowOrigins = origins,
            AllowMethods = List(NginxAnnotations.CorsAllowMethods, DefaultCorsMethods, char.IsAsciiLetter, "methods are letters only"),
            AllowHeaders = List(NginxAnnotations.CorsAllowHeaders, DefaultCorsHeaders, c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_', "header names are letters, digits, '-' and '_'"),
            ExposeHeaders = List(NginxAnnotations.CorsExposeHeaders, [], c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '*', "header names are letters, digits, '-', '_' or '*'"),
            AllowCredentials = readBool(NginxAnnotations.CorsAllowCredentials) ?? true,
            MaxAge = maxAge is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultCorsMaxAge,
        };
    }

    /// <summary><c>permanent-redirect</c> (301 by default) or <c>temporal-redirect</c> (302): every request is redirected to one URL.</summary>
    private static RequestRedirect? ReadRedirect(Func<string, string?> get, Func<string, int, int, string, int?> readInt, Action<string, string> error)
    {
        var (name, codeName, defaultCode) = get(NginxAnnotations.PermanentRedirect) is not null
            ? (NginxAnnotations.PermanentRedirect, NginxAnnotations.PermanentRedirectCode, 301)
            : (NginxAnnotations.TemporalRedirect, NginxAnnotations.TemporalRedirectCode, 302);
        if (get(name) is not { } target)
        {
            return null;
        }

        var code = readInt(codeName, 300, 308, "a redirect status code") ?? defaultCode;
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error(name, $"'{target}' must be an absolute http(s) URL without query, such as https://example.com/new");
            return null;
        }

        if (code is not (301 or 302 or 303 or 307 or 308))
        {
            error(codeName, $"{code} is a status the gateway does not redirect with; use 301, 302, 303, 307 or 308");
            return null;
        }

        return new RequestRedirect
        {
            Scheme = uri.Scheme,
            Hostname = uri.Host,
            Port = uri.IsDefaultPort ? null : uri.Port,
            Path = new PathRewrite(PathRewriteType.ReplaceFullPath, uri.AbsolutePath),
            StatusCode = code,
        };
    }

    private static bool IsOrigin(string origin)
    {
        var schemeEnd = origin.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0 || origin[..schemeEnd] is not ("http" or "https"))
        {
            return false;
        }

        var rest = origin[(schemeEnd + 3)..];
        if (rest.StartsWith("*.", StringComparison.Ordinal))
        {
            rest = rest[2..];
        }

        var colon = rest.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(rest.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                return false;
            }

            rest = rest[..colon];
        }

        return Uri.CheckHostName(rest) != UriHostNameType.Unknown;
    }

    private static ImmutableArray<string> Split(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    // RFC 9110 token characters.
    private static bool IsToken(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}
