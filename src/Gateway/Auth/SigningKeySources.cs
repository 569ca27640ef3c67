using Gateway.Model;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth;

/// <summary>
/// Builds the IdentityModel configuration manager that gives a JWT policy its signing keys (and, with discovery, its
/// issuer). A static JWKS never changes. Discovery keys are fetched on first use, again when a token names an unknown
/// <c>kid</c> but at most once per <see cref="JwtAuth.RefreshInterval"/> (the manager's own rate limit on
/// <c>RequestRefresh</c>, so a stream of forged kids costs the provider one request per interval), and once they are
/// older than <see cref="JwtAuth.DefaultAutomaticRefresh"/>, so keys the provider dropped stop being accepted. A failed
/// fetch keeps the last good keys.
/// </summary>
internal static class SigningKeySources
{
    /// <summary>What a provider with no keys yet gives: every token is then signed with an unknown key.</summary>
    public static OpenIdConnectConfiguration None { get; } = new();

    static SigningKeySources()
    {
        // By default the manager refreshes in the background and answers with the old keys meanwhile, so the first
        // token signed with a rotated key would be refused. Blocking mode makes callers wait (asynchronously) for the
        // fetch that RequestRefresh asked for; only one fetch runs at a time and the refresh interval still applies.
        AppContext.SetSwitch("Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking", true);
    }

    public static IConfigurationManager<OpenIdConnectConfiguration> Static(string jwks)
    {
        var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = new JsonWebKeySet(jwks) };
        foreach (var key in configuration.JsonWebKeySet.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }

        return new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
    }

    public static IConfigurationManager<OpenIdConnectConfiguration> FromDiscovery(JwtAuth settings, HttpClient http, ILogger logger) =>
        new ConfigurationManager<OpenIdConnectConfiguration>(
            settings.Discovery!,
            new DiscoveryRetriever(logger),
            // The same rule as the configuration check: https unless the policy turned it off (loopback tests only).
            new HttpDocumentRetriever(http) { RequireHttps = settings.RequireHttps })
        {
            RefreshInterval = settings.RefreshInterval ?? JwtAuth.DefaultRefreshInterval,
            AutomaticRefreshInterval = JwtAuth.DefaultAutomaticRefresh,
        };

    /// <summary>What identifies a provider, so a reload keeps its manager (and its keys) when nothing relevant changed.</summary>
    public static string IdentityOf(JwtAuth settings) =>
        $"{settings.Discovery}|{settings.RequireHttps}|{settings.RefreshInterval ?? JwtAuth.DefaultRefreshInterval}";
}
