using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Hosting;

/// <summary>The proxy and admin listeners, kept so the ports actually bound (port 0 in tests) are known after start.</summary>
internal sealed class Listeners
{
    private int _adminPort = -1;

    public ListenOptions? Proxy { get; set; }

    public ListenOptions? Admin { get; set; }

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
}
