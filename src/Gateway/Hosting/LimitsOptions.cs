using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Hosting;

/// <summary>
/// Client-facing limits of the proxy listener (<c>Gateway:Limits</c>): they bound what one client can make the gateway
/// hold (headers, slow uploads, idle connections), so a slowloris or a header flood cannot starve other clients.
/// </summary>
internal sealed class LimitsOptions
{
    /// <summary>Total size of a request's headers; Kestrel answers 431 beyond.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Size of the request line (method, target, version); Kestrel answers 414 beyond.</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>Largest request body in bytes, unless a route sets its own MaxRequestBodySize; 413 beyond. Model inputs can be large.</summary>
    public long MaxRequestBodySize { get; set; } = 100L * 1024 * 1024;

    /// <summary>Time a client has to send all request headers; a slowloris client is disconnected after it.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection is kept.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Slowest accepted upload, in bytes per second after <see cref="MinRequestBodyDataRateGracePeriod"/>; 0 turns the check off.</summary>
    public double MinRequestBodyDataRate { get; set; } = 240;

    public TimeSpan MinRequestBodyDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Validate()
    {
        const string prefix = "Gateway:Limits";
        if (MaxRequestHeadersTotalSize < 1024)
        {
            yield return $"{prefix}:MaxRequestHeadersTotalSize {MaxRequestHeadersTotalSize} must be at least 1024 bytes";
        }

        if (MaxRequestLineSize < 256)
        {
            yield return $"{prefix}:MaxRequestLineSize {MaxRequestLineSize} must be at least 256 bytes";
        }

        if (MaxRequestBodySize < 0)
        {
            yield return $"{prefix}:MaxRequestBodySize {MaxRequestBodySize} must be 0 or more bytes";
        }

        if (RequestHeadersTimeout <= TimeSpan.Zero)
        {
            yield return $"{prefix}:RequestHeadersTimeout '{RequestHeadersTimeout}' must be greater than zero";
        }

        if (KeepAliveTimeout <= TimeSpan.Zero)
        {
            yield return $"{prefix}:KeepAliveTimeout '{KeepAliveTimeout}' must be greater than zero";
        }

        if (MinRequestBodyDataRate < 0)
        {
            yield return $"{prefix}:MinRequestBodyDataRate {MinRequestBodyDataRate} must be 0 (off) or more bytes per second";
        }

        // Kestrel refuses a grace period of one second or less.
        if (MinRequestBodyDataRate > 0 && MinRequestBodyDataRateGracePeriod <= TimeSpan.FromSeconds(1))
        {
            yield return $"{prefix}:MinRequestBodyDataRateGracePeriod '{MinRequestBodyDataRateGracePeriod}' must be longer than 1 second";
        }
    }

    public void ApplyTo(KestrelServerLimits limits)
    {
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestLineSize = MaxRequestLineSize;
        limits.MaxRequestBodySize = MaxRequestBodySize;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MinRequestBodyDataRate = MinRequestBodyDataRate > 0 ? new MinDataRate(MinRequestBodyDataRate, MinRequestBodyDataRateGracePeriod) : null;
    }
}
