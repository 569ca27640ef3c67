using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gateway.Auth;

/// <summary>
/// Reads an OIDC discovery document and the JWKS at its <c>jwks_uri</c> through IdentityModel's retriever, and logs
/// each outcome. A document without <c>jwks_uri</c> counts as a failed fetch, so the configuration manager keeps the
/// previous keys rather than replacing them with none.
/// </summary>
internal sealed partial class DiscoveryRetriever(ILogger logger) : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancel);
        }
        catch (Exception ex)
        {
            // The manager keeps the last good keys; tokens signed with them keep working while the provider is away.
            Log.FetchFailed(logger, address, (ex.InnerException ?? ex).Message);
            throw;
        }

        if (string.IsNullOrEmpty(configuration.JwksUri))
        {
            Log.BadDiscovery(logger, address, "jwks_uri is missing");
            throw new InvalidOperationException($"Discovery document {address} names no jwks_uri.");
        }

        Log.KeysFetched(logger, address, configuration.SigningKeys.Count);
        return configuration;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Fetched {Count} signing keys from {Discovery}")]
        public static partial void KeysFetched(ILogger logger, string discovery, int count);

        [LoggerMessage(2, LogLevel.Warning, "Could not fetch signing keys from {Discovery}: {Reason}; keeping the previous keys")]
        public static partial void FetchFailed(ILogger logger, string discovery, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Discovery document {Discovery} is unusable: {Reason}; keeping the previous keys")]
        public static partial void BadDiscovery(ILogger logger, string discovery, string reason);
    }
}
