using System.Text.Json;
using Gateway.Model;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth;

/// <summary>
/// The signing keys of one identity provider. A static JWKS never changes; keys from an OIDC discovery document are
/// fetched on first use, again when a token names an unknown <c>kid</c> (key rotation) but at most once per refresh
/// interval, and in the background once they are older than <see cref="JwtAuth.DefaultAutomaticRefresh"/> so revoked
/// keys go away. Requests read <see cref="Current"/> without locking; only fetching is serialised.
/// </summary>
internal sealed partial class JwksCache
{
    private readonly string? _discovery;
    private readonly bool _requireHttps;
    private readonly TimeSpan _refreshInterval;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _fetchLock = new();
    private volatile JwksSnapshot _current;
    private Task? _fetching;
    private long _lastAttempt = long.MinValue;

    private JwksCache(JwksSnapshot keys, TimeProvider time, ILogger logger)
        : this(null, true, TimeSpan.MaxValue, null!, time, logger)
    {
        _current = keys;
    }

    private JwksCache(string? discovery, bool requireHttps, TimeSpan refreshInterval, HttpClient http, TimeProvider time, ILogger logger)
    {
        _discovery = discovery;
        _requireHttps = requireHttps;
        _refreshInterval = refreshInterval;
        _http = http;
        _time = time;
        _logger = logger;
        _current = JwksSnapshot.Empty;
    }

    public JwksSnapshot Current => _current;

    public static JwksCache Static(string jwks, TimeProvider time, ILogger logger) =>
        new(new JwksSnapshot(new JsonWebKeySet(jwks), null, time.GetTimestamp()), time, logger);

    public static JwksCache FromDiscovery(JwtAuth settings, HttpClient http, TimeProvider time, ILogger logger) =>
        new(settings.Discovery, settings.RequireHttps, settings.RefreshInterval ?? JwtAuth.DefaultRefreshInterval, http, time, logger);

    /// <summary>What identifies this provider, so a reload keeps the cache (and its keys) when nothing relevant changed.</summary>
    public static string IdentityOf(JwtAuth settings) =>
        $"{settings.Discovery}|{settings.RequireHttps}|{settings.RefreshInterval ?? JwtAuth.DefaultRefreshInterval}";

    /// <summary>
    /// Fetches the keys again when a token named a <c>kid</c> we do not know, unless the last fetch was less than the
    /// refresh interval ago: a stream of forged kids costs the identity provider at most one request per interval.
    /// Callers arriving during a fetch wait for it.
    /// </summary>
    public Task RefreshForUnknownKidAsync()
    {
        if (_discovery is null)
        {
            return Task.CompletedTask;
        }

        lock (_fetchLock)
        {
            if (_fetching is { IsCompleted: false } pending)
            {
                return pending;
            }

            if (_lastAttempt != long.MinValue && _time.GetElapsedTime(_lastAttempt) < _refreshInterval)
            {
                return Task.CompletedTask;
            }

            _lastAttempt = _time.GetTimestamp();
            return _fetching = FetchAsync();
        }
    }

    /// <summary>Starts a background fetch when the keys are old, so keys the provider dropped stop being accepted.</summary>
    public void RefreshIfStale()
    {
        var current = _current;
        if (_discovery is not null && current.FetchedAt != long.MinValue && _time.GetElapsedTime(current.FetchedAt) > JwtAuth.DefaultAutomaticRefresh)
        {
            _ = RefreshForUnknownKidAsync();
        }
    }

    private async Task FetchAsync()
    {
        try
        {
            using var discovery = JsonDocument.Parse(await _http.GetStringAsync(_discovery));
            var root = discovery.RootElement;
            var jwksUri = root.TryGetProperty("jwks_uri", out var uri) ? uri.GetString() : null;
            var issuer = root.TryGetProperty("issuer", out var iss) ? iss.GetString() : null;
            if (!Uri.TryCreate(jwksUri, UriKind.Absolute, out var jwks) || (_requireHttps && jwks.Scheme != Uri.UriSchemeHttps))
            {
                Log.BadDiscovery(_logger, _discovery!, "jwks_uri is missing, not absolute, or not https");
                return;
            }

            var set = new JsonWebKeySet(await _http.GetStringAsync(jwks));
            _current = new JwksSnapshot(set, issuer, _time.GetTimestamp());
            Log.KeysFetched(_logger, _discovery!, set.Keys.Count);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or ArgumentException or TaskCanceledException)
        {
            // The previous keys stay in force; tokens signed with them keep working while the provider is away.
            Log.FetchFailed(_logger, _discovery!, ex.Message);
        }
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
