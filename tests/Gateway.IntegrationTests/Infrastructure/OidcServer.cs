using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// A real identity provider's public side on a loopback port: the OIDC discovery document and the JWKS with the
/// public halves of RSA keys generated in the test. <see cref="Rotate"/> replaces the published keys.
/// </summary>
public sealed class OidcServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile TestSigningKey[] _published = [];
    private volatile bool _down;
    private int _jwksRequests;
    private int _discoveryRequests;

    private OidcServer(WebApplication app) => _app = app;

    public string Issuer { get; private set; } = "";

    public string DiscoveryUrl => $"{Issuer}/.well-known/openid-configuration";

    /// <summary>How many times the JWKS was fetched.</summary>
    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    /// <summary>How many times the discovery document was asked for, answered or not.</summary>
    public int DiscoveryRequests => Volatile.Read(ref _discoveryRequests);

    public static async Task<OidcServer> StartAsync(params TestSigningKey[] keys)
    {
        var app = LoopbackApp.Create();
        var server = new OidcServer(app) { _published = keys };
        app.MapGet("/.well-known/openid-configuration", () =>
        {
            Interlocked.Increment(ref server._discoveryRequests);
            return server._down
                ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : Results.Json(new Dictionary<string, object>
                {
                    ["issuer"] = server.Issuer,
                    ["jwks_uri"] = $"{server.Issuer}/jwks",
                });
        });
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref server._jwksRequests);
            return Results.Text(server.JwksJson(), "application/json");
        });
        server.Issuer = await LoopbackApp.StartAsync(app);
        return server;
    }

    /// <summary>While true, the discovery document is answered with 503, as a provider in an outage.</summary>
    public void SetDown(bool down) => _down = down;

    /// <summary>Publishes <paramref name="keys"/> instead of the current keys, as a provider rotating its signing key.</summary>
    public void Rotate(params TestSigningKey[] keys) => _published = keys;

    public string JwksJson() => JwksJson(_published);

    public static string JwksJson(params TestSigningKey[] keys) =>
        JsonSerializer.Serialize(new { keys = keys.Select(k => k.PublicJwk()).ToArray() });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
