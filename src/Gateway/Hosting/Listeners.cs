using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Hosting;

/// <summary>The proxy and admin listeners, kept so the ports actually bound (port 0 in tests) are known after start.</summary>
internal sealed class Listeners
{
    private int _adminPort = -1;

    private int _metricsPort = -1;

    public ListenOptions? Proxy { get; set; }

    public ListenOptions? Admin { get; set; }

    /// <summary>The listener that serves <c>/metrics</c> alone; null when metrics are on the admin port.</summary>
    public ListenOptions? Metrics { get; set; }

    /// <summary>The HTTPS proxy listener; null when HTTPS is off.</summary>
    public ListenOptions? Https { get; set; }

    public int HttpsPort => Https?.IPEndPoint?.Port ?? -1;

    public int ProxyPort => Proxy?.IPEndPoint?.Port ?? -1;

    /// <summary>Read on every request to tell admin connections apart; cached once bound.</summary>
    public int AdminPort
    {
        get
        {
            if (_adminPort <= 0)
            {
                _adminPort = Admin?.IPEndPoint?.Port ?? -1;
            }

            return _adminPort;
        }
    }

    /// <summary>Read on every request to tell metrics connections apart; cached once bound, -1 without a metrics listener.</summary>
    public int MetricsPort
    {
        get
        {
            if (_metricsPort <= 0)
            {
                _metricsPort = Metrics?.IPEndPoint?.Port ?? -1;
            }

            return _metricsPort;
        }
    }

    /// <summary>Whether a connection to <paramref name="localPort"/> is one of the gateway's own (admin or metrics), not a proxied request.</summary>
    public bool IsOwnPort(int localPort) => localPort == AdminPort || localPort == MetricsPort;
}
