using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.RateLimiting;

/// <summary>
/// The one Redis connection all global policies share, opened when the first global policy is applied. It never
/// queues commands while disconnected, so a down Redis costs a request nothing beyond the fail-mode decision, and it
/// reconnects by itself.
/// </summary>
internal sealed partial class RedisConnection(IOptions<RateLimitingOptions> options, ILogger<RedisConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ConnectionMultiplexer? _multiplexer;

    public bool IsConfigured => !string.IsNullOrEmpty(options.Value.Redis);

    /// <summary>The database to run scripts on; null until <see cref="ConnectAsync"/> ran.</summary>
    public IDatabase? Database { get; private set; }

    /// <summary>Opens the connection once. Returns even when Redis is down: the connection keeps retrying in the background.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_multiplexer is not null || !IsConfigured)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_multiplexer is not null)
            {
                return;
            }

            var configuration = ConfigurationOptions.Parse(options.Value.Redis!);
            configuration.AbortOnConnectFail = false;
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            configuration.ConnectTimeout = 2000;
            configuration.ReconnectRetryPolicy = new LinearRetry(500);
            configuration.ClientName ??= "mlgateway";
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
            multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(logger, e.EndPoint?.ToString() ?? "", e.FailureType.ToString());
            multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(logger, e.EndPoint?.ToString() ?? "");
            if (!multiplexer.IsConnected)
            {
                LogNotConnected(logger, configuration.ToString(includePassword: false));
            }

            Database = multiplexer.GetDatabase();
            _multiplexer = multiplexer;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Whether Redis answers a PING within <paramref name="timeout"/>; false, never an exception, when it does not.</summary>
    public async Task<bool> PingAsync(TimeSpan timeout)
    {
        if (Database is not { } database)
        {
            return false;
        }

        try
        {
            await database.PingAsync().WaitAsync(timeout);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.DisposeAsync();
        }

        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis for global rate limits is not reachable at {Endpoints}; global policies use their fail mode until it is")]
    private static partial void LogNotConnected(ILogger logger, string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Redis connection to {Endpoint} ({Failure}); global policies use their fail mode until it is back")]
    private static partial void LogConnectionFailed(ILogger logger, string endpoint, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection to {Endpoint} restored; global rate limits are enforced again")]
    private static partial void LogConnectionRestored(ILogger logger, string endpoint);
}
