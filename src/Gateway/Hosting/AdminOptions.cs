using Gateway.Primitives;

namespace Gateway.Hosting;

/// <summary>
/// The admin listener: <c>Gateway:Admin</c>. Probes and metrics are open to whoever reaches the port; the pages that
/// describe the configuration are served to loopback clients, and to others only with <see cref="Token"/> (docs/admin.md).
/// </summary>
internal sealed class AdminOptions
{
    /// <summary>Shortest token accepted: a bearer token guards the configuration, so it must not be guessable.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>Where the admin endpoints listen; a port of its own so they are never exposed through routes.</summary>
    public string Url { get; set; } = "http://0.0.0.0:9090";

    /// <summary>Where <c>/metrics</c> listens alone; empty (the default) serves it on <see cref="Url"/>.</summary>
    public string? MetricsUrl { get; set; }

    /// <summary>Bearer token that opens the configuration pages to clients other than loopback ones.</summary>
    public string? Token { get; set; }

    /// <summary>File holding <see cref="Token"/> (a mounted Secret), read at start-up.</summary>
    public string? TokenFile { get; set; }

    public bool ServesMetricsApart => !string.IsNullOrEmpty(MetricsUrl);

    /// <summary>The token in force, from <see cref="Token"/> or <see cref="TokenFile"/>; null serves the pages to loopback clients only.</summary>
    public string? ReadToken() =>
        !string.IsNullOrEmpty(TokenFile) ? File.ReadAllText(TokenFile).Trim() : string.IsNullOrWhiteSpace(Token) ? null : Token.Trim();

    /// <summary>Every problem with these settings, as one line each.</summary>
    public IEnumerable<string> Validate(bool metricsEnabled)
    {
        if (!ListenAddress.TryParse(Url, out var admin))
        {
            yield return $"Gateway:Admin:Url '{Url}' is not an http:// address such as http://0.0.0.0:9090";
        }

        if (ServesMetricsApart)
        {
            if (!ListenAddress.TryParse(MetricsUrl, out var metrics))
            {
                yield return $"Gateway:Admin:MetricsUrl '{MetricsUrl}' is not an http:// address such as http://0.0.0.0:9091 (empty serves /metrics on Gateway:Admin:Url)";
            }
            else if (metrics.Port != 0 && metrics.Port == admin.Port)
            {
                yield return $"Gateway:Admin:MetricsUrl '{MetricsUrl}' uses the port of Gateway:Admin:Url '{Url}'; give metrics a port of their own, or leave it empty to serve /metrics on the admin port";
            }

            if (!metricsEnabled)
            {
                yield return $"Gateway:Admin:MetricsUrl '{MetricsUrl}' is set but Gateway:Telemetry:Metrics is false, so there are no metrics to serve";
            }
        }

        if (!string.IsNullOrEmpty(Token) && !string.IsNullOrEmpty(TokenFile))
        {
            yield return "Gateway:Admin:Token and Gateway:Admin:TokenFile are both set; set one";
            yield break;
        }

        var key = string.IsNullOrEmpty(TokenFile) ? "Gateway:Admin:Token" : "Gateway:Admin:TokenFile";
        string? token;
        string? unreadable = null;
        try
        {
            token = ReadToken();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            token = null;
            unreadable = ex.Message;
        }

        if (unreadable is not null)
        {
            yield return $"{key} '{TokenFile}' cannot be read: {unreadable}";
        }
        else if (token is { Length: 0 })
        {
            yield return $"{key} '{TokenFile}' is empty";
        }
        else if (token is { Length: < MinimumTokenLength })
        {
            yield return $"{key}: the token has {token.Length} characters; use at least {MinimumTokenLength} (e.g. openssl rand -hex 32)";
        }
    }
}
