using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// An HttpClient that connects every host name to the gateway's HTTPS port on loopback, so the URL's host is the SNI
/// and Host header, and validates the server's certificate against a test CA (chain and host name), as a browser would.
/// </summary>
public sealed class TlsClient : IDisposable
{
    private readonly HttpClient _client;

    public TlsClient(int port, X509Certificate2 trustedRoot)
    {
        Port = port;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    var leaf = (X509Certificate2)certificate!;
                    Seen.Enqueue(leaf.Thumbprint);
                    using var custom = new X509Chain();
                    custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    custom.ChainPolicy.CustomTrustStore.Add(trustedRoot);
                    custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    if (chain is not null)
                    {
                        custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
                    }

                    return custom.Build(leaf) && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;
                },
            },
        };
        _client = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
    }

    public int Port { get; }

    /// <summary>Thumbprints of the certificates servers presented, in order (also those then refused).</summary>
    public ConcurrentQueue<string> Seen { get; } = new();

    /// <summary>GET https://host:port/path; throws <see cref="HttpRequestException"/> when the handshake fails.</summary>
    public Task<HttpResponseMessage> GetAsync(string host, string path = "/") => _client.GetAsync(new Uri($"https://{host}:{Port}{path}"));

    /// <summary>The thumbprint of the certificate presented for <paramref name="host"/>, whether or not it validated; null when the handshake failed first.</summary>
    public async Task<string?> CertificateForAsync(string host)
    {
        Seen.Clear();
        try
        {
            using var response = await GetAsync(host);
        }
        catch (HttpRequestException)
        {
            // A refused certificate (or none) is what some tests look for; what was presented is in Seen.
        }

        return Seen.TryDequeue(out var thumbprint) ? thumbprint : null;
    }

    public void Dispose() => _client.Dispose();
}
