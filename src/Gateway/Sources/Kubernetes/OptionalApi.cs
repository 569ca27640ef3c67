using k8s;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// An API group served by optional CRDs (Gateway API, Istio), which may be installed after the gateway starts. Asks the
/// API server's discovery (<c>GET /apis</c>) which of the wanted versions it serves, and keeps asking while it serves
/// none. All watches of the group share one instance, so absence and arrival are logged once.
/// </summary>
internal sealed partial class OptionalApi(
    IKubernetes client,
    string group,
    IReadOnlyList<string> versions,
    string kinds,
    TimeSpan interval,
    TimeProvider timeProvider,
    ILogger logger)
{
    private int _absentLogged;
    private int _foundLogged;

    /// <summary>The first wanted version the server serves; calls <paramref name="whileAbsent"/> each time it finds none.</summary>
    public async Task<string> WaitForVersionAsync(Action whileAbsent, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryFindAsync(cancellationToken) is { } version)
            {
                if (Interlocked.Exchange(ref _foundLogged, 1) == 0)
                {
                    LogFound(logger, kinds, group, version);
                }

                return version;
            }

            whileAbsent();
            await Task.Delay(interval, timeProvider, cancellationToken);
        }
    }

    private async Task<string?> TryFindAsync(CancellationToken cancellationToken)
    {
        try
        {
            var groups = await client.Apis.GetAPIVersionsAsync(cancellationToken);
            var served = groups.Groups?.FirstOrDefault(g => g.Name == group);
            foreach (var wanted in versions)
            {
                if (served?.Versions?.Any(v => v.Version == wanted) == true)
                {
                    return wanted;
                }
            }

            if (Interlocked.Exchange(ref _absentLogged, 1) == 0)
            {
                LogAbsent(logger, group, string.Join(", ", versions), kinds, interval.TotalSeconds);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDiscoveryFailed(logger, group, interval.TotalSeconds, ex.Message);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The API server does not serve {Group} ({Versions}); {Kinds} are not read. Checking again every {Seconds:F0} s")]
    private static partial void LogAbsent(ILogger logger, string group, string versions, string kinds, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading {Kinds} as {Group}/{Version}")]
    private static partial void LogFound(ILogger logger, string kinds, string group, string version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "API discovery of {Group} failed; asking again in {Seconds:F0} s: {Reason}")]
    private static partial void LogDiscoveryFailed(ILogger logger, string group, double seconds, string reason);
}
