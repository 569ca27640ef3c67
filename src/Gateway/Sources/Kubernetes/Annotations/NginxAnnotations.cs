using System.Collections.Frozen;

namespace Gateway.Sources.Kubernetes.Annotations;

/// <summary>
/// The ingress-nginx annotations (prefix <c>nginx.ingress.kubernetes.io/</c>) and what the gateway does with each; the
/// "Coming from ingress-nginx" table in docs/ingress-nginx.md is the user-facing form of <see cref="Catalogue"/>.
/// </summary>
internal static class NginxAnnotations
{
    public const string Prefix = "nginx.ingress.kubernetes.io/";

    /// <summary>The legacy class annotation, read before <c>spec.ingressClassName</c> as ingress-nginx does.</summary>
    public const string LegacyClass = "kubernetes.io/ingress.class";

    public const string AppRoot = "app-root";
    public const string RewriteTarget = "rewrite-target";
    public const string UseRegex = "use-regex";
    public const string SslRedirect = "ssl-redirect";
    public const string ForceSslRedirect = "force-ssl-redirect";
    public const string BackendProtocol = "backend-protocol";
    public const string ProxyConnectTimeout = "proxy-connect-timeout";
    public const string ProxyReadTimeout = "proxy-read-timeout";
    public const string ProxySendTimeout = "proxy-send-timeout";
    public const string ProxyBodySize = "proxy-body-size";
    public const string ProxySslVerify = "proxy-ssl-verify";
    public const string LimitRps = "limit-rps";
    public const string LimitRpm = "limit-rpm";
    public const string LimitBurstMultiplier = "limit-burst-multiplier";
    public const string LimitConnections = "limit-connections";
    public const string LimitAllowlist = "limit-allowlist";
    public const string LimitWhitelist = "limit-whitelist";
    public const string AllowlistSourceRange = "allowlist-source-range";
    public const string WhitelistSourceRange = "whitelist-source-range";
    public const string DenylistSourceRange = "denylist-source-range";
    public const string Canary = "canary";
    public const string CanaryWeight = "canary-weight";
    public const string CanaryWeightTotal = "canary-weight-total";
    public const string CanaryByHeader = "canary-by-header";
    public const string CanaryByHeaderValue = "canary-by-header-value";
    public const string CanaryByHeaderPattern = "canary-by-header-pattern";
    public const string CanaryByCookie = "canary-by-cookie";
    public const string EnableCors = "enable-cors";
    public const string CorsAllowOrigin = "cors-allow-origin";
    public const string CorsAllowMethods = "cors-allow-methods";
    public const string CorsAllowHeaders = "cors-allow-headers";
    public const string CorsExposeHeaders = "cors-expose-headers";
    public const string CorsAllowCredentials = "cors-allow-credentials";
    public const string CorsMaxAge = "cors-max-age";
    public const string UpstreamVhost = "upstream-vhost";
    public const string XForwardedPrefix = "x-forwarded-prefix";
    public const string ServerAlias = "server-alias";
    public const string PermanentRedirect = "permanent-redirect";
    public const string PermanentRedirectCode = "permanent-redirect-code";
    public const string TemporalRedirect = "temporal-redirect";
    public const string TemporalRedirectCode = "temporal-redirect-code";

    /// <summary>Every annotation ingress-nginx documents (current and legacy names), with what the gateway does with it.</summary>
    public static FrozenDictionary<string, AnnotationSupport> Catalogue { get; } = Build();

    public static string Field(string annotation) => $"metadata.annotations[{annotation}]";

    /// <summary>How an annotation (full key) is handled; snippets of nginx code are always refused, known or not.</summary>
    public static AnnotationSupport? Support(string key)
    {
        var name = key[Prefix.Length..];
        if (name.EndsWith("-snippet", StringComparison.Ordinal) || name.EndsWith("-snippets", StringComparison.Ordinal))
        {
            return AnnotationSupport.Refused;
        }

        return Catalogue.TryGetValue(name, out var support) ? support : null;
    }

    private static FrozenDictionary<string, AnnotationSupport> Build()
    {
        string[] supported =
        [
            AppRoot, RewriteTarget, UseRegex, SslRedirect, ForceSslRedirect, BackendProtocol, ProxyConnectTimeout,
            ProxyReadTimeout, ProxySendTimeout, ProxyBodySize, ProxySslVerify, LimitRps, LimitRpm, LimitBurstMultiplier,
            LimitConnections, LimitAllowlist, LimitWhitelist, AllowlistSourceRange, WhitelistSourceRange, DenylistSourceRange, Canary,
            CanaryWeight, CanaryWeightTotal, CanaryByHeader, CanaryByHeaderValue, CanaryByHeaderPattern, CanaryByCookie,
            EnableCors, CorsAllowOrigin, CorsAllowMethods, CorsAllowHeaders, CorsExposeHeaders, CorsAllowCredentials,
            CorsMaxAge, UpstreamVhost, XForwardedPrefix, ServerAlias, PermanentRedirect, PermanentRedirectCode,
            TemporalRedirect, TemporalRedirectCode,
        ];
        string[] ignored =
        [
            "affinity", "affinity-mode", "affinity-canary-behavior", "session-cookie-name", "session-cookie-path",
            "session-cookie-domain", "session-cookie-expires", "session-cookie-max-age", "session-cookie-samesite",
            "session-cookie-secure", "session-cookie-partitioned", "session-cookie-change-on-failure",
            "session-cookie-conditional-samesite-none", "client-body-buffer-size", "connection-proxy-header",
            "custom-http-errors", "custom-headers", "default-backend", "disable-proxy-intercept-errors", "enable-access-log",
            "enable-rewrite-log", "enable-opentelemetry", "opentelemetry-operation-name", "opentelemetry-trust-incoming-span",
            "enable-opentracing", "opentracing-trust-incoming-span", "enable-influxdb", "influxdb-measurement", "influxdb-port",
            "influxdb-host", "influxdb-server-name", "http2-push-preload", "load-balance", "upstream-hash-by",
            "upstream-hash-by-subset", "upstream-hash-by-subset-size", "proxy-buffering", "proxy-buffers-number",
            "proxy-buffer-size", "proxy-max-temp-file-size", "proxy-request-buffering", "proxy-http-version",
            "proxy-cookie-domain", "proxy-cookie-path", "proxy-redirect-from", "proxy-redirect-to", "proxy-next-upstream",
            "proxy-next-upstream-timeout", "proxy-next-upstream-tries", "proxy-ssl-ciphers", "proxy-ssl-name",
            "proxy-ssl-protocols", "proxy-ssl-server-name", "proxy-ssl-verify-depth", "from-to-www-redirect",
            "preserve-trailing-slash", "use-port-in-redirects", "service-upstream", "ssl-ciphers", "ssl-prefer-server-ciphers",
            "limit-rate", "limit-rate-after", "global-rate-limit", "global-rate-limit-window",
            "global-rate-limit-key", "global-rate-limit-ignored-cidrs", "mirror-target", "mirror-host", "mirror-request-body",
            "modsecurity-transaction-id", "enable-global-auth", "fastcgi-index", "fastcgi-params-configmap",
        ];
        string[] refused =
        [
            "auth-type", "auth-secret", "auth-secret-type", "auth-realm", "auth-url", "auth-method", "auth-signin",
            "auth-signin-redirect-param", "auth-response-headers", "auth-proxy-set-headers", "auth-request-redirect",
            "auth-cache-key", "auth-cache-duration", "auth-always-set-cookie", "auth-keepalive", "auth-keepalive-requests",
            "auth-keepalive-share-vars", "auth-keepalive-timeout", "auth-tls-secret", "auth-tls-verify-depth",
            "auth-tls-verify-client", "auth-tls-error-page", "auth-tls-pass-certificate-to-upstream", "auth-tls-match-cn",
            "proxy-ssl-secret", "satisfy", "ssl-passthrough", "enable-modsecurity", "enable-owasp-core-rules",
            "configuration-snippet", "server-snippet", "auth-snippet", "modsecurity-snippet", "stream-snippet",
        ];
        var catalogue = new Dictionary<string, AnnotationSupport>(StringComparer.Ordinal);
        foreach (var name in supported)
        {
            catalogue[name] = AnnotationSupport.Supported;
        }

        foreach (var name in ignored)
        {
            catalogue[name] = AnnotationSupport.Ignored;
        }

        foreach (var name in refused)
        {
            catalogue[name] = AnnotationSupport.Refused;
        }

        return catalogue.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
