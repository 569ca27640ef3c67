using System.Net;

namespace Gateway.Primitives;

/// <summary>An <c>http://host:port</c> (or <c>https://</c>) listen address, as Kestrel binds it.</summary>
internal sealed record ListenAddress(IPAddress? Address, bool Localhost, int Port)
{
    public static bool TryParse(string? text, out ListenAddress address, string scheme = "http")
    {
        address = new ListenAddress(null, false, 0);
        if (!Uri.TryCreate(text?.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || uri.Scheme != scheme
            || uri.AbsolutePath != "/"
            || uri.Port is < 0 or > 65535)
        {
            return false;
        }

        if (uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns)
        {
            address = new ListenAddress(null, true, uri.Port);
            return true;
        }

        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
        {
            return false;
        }

        address = new ListenAddress(ip, false, uri.Port);
        return true;
    }

    public void Bind(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure)
    {
        if (Localhost)
        {
            kestrel.ListenLocalhost(Port, configure);
        }
        else
        {
            kestrel.Listen(Address!, Port, configure);
        }
    }
}
