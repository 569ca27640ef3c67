using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Gateway.Tls;

/// <summary>
/// The proxy's HTTPS listener: each handshake takes its certificate from the current SNI table, and offers HTTP/2 and
/// HTTP/1.1 through ALPN. With no certificate for the name and no default, the handshake fails cleanly (the client
/// sees a TLS alert, the gateway counts it): Kestrel's listeners are fixed at start-up, so the listener exists before
/// the first Secret is read.
/// </summary>
internal sealed class HttpsListener(CertificateStore store, TlsMetrics metrics)
{
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    public void Configure(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = SelectAsync });
    }

    private ValueTask<SslServerAuthenticationOptions> SelectAsync(TlsHandshakeCallbackContext context)
    {
        var serverName = context.ClientHelloInfo.ServerName;
        var certificate = store.Current.Select(serverName, out var match);
        metrics.Handshake(match);
        if (certificate is null)
        {
            // Kestrel logs AuthenticationException at debug level and closes the connection.
            throw new AuthenticationException($"No certificate for server name '{serverName}' and no default certificate.");
        }

        return ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate.Context,
            ApplicationProtocols = Alpn,
        });
    }
}
