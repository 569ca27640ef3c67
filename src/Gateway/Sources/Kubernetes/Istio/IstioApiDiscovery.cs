using k8s;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// Asks the API server's discovery (<c>GET /apis</c>) which networking.istio.io version it serves, and keeps asking
/// while none of the configured ones is: the Istio CRDs are optional and may be installed after the gateway starts.
/// Their absence is logged once.
/// </summary>
internal sealed partial class IstioApiDiscovery(IKubernetes client, IstioOptions options, TimeProvider timeProvider, ILogger logger)
{
    private int _absentLogged;
    private int _foundLogged;

    /// <summary>The first configured version the server serves; calls <paramref name="whileAbsent"/> each time it finds none.</summary>
    public async Task<string> WaitForVersionAsync(Action whileAbsent, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryFindAsync(cancellationToken) is { } version)
            {
                if (Interlocked.Exchange(ref _foundLogged, 1) == 0)
                {
                    LogFound(logger, IstioQueries.Group, version);
                }

                return version;
            }

            whileAbsent();
            await Task.Delay(options.DiscoveryInterval, timeProvider, cancellationToken);
        }
    }

    private async Task<string?> TryFindAsync(CancellationToken cancellationToken)
    {
        try
        {
            var groups = await client.Apis.GetAPIVersionsAsync(cancellationToken);
            var group = groups.Groups?.FirstOrDefault(g => g.Name == IstioQueries.Group);
            foreach (var wanted in options.ApiVersions)
            {
                if (group?.Versions?.Any(v => v.Version == wanted) == true)
                {
                    return wanted;
                }
            }

            if (Interlocked.Exchange(ref _absentLogged, 1) == 0)
            {
                LogAbsent(logger, IstioQueries.Group, string.Join(", ", options.ApiVersions), options.DiscoveryInterval.TotalSeconds);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDiscoveryFailed(logger, options.DiscoveryInterval.TotalSeconds, ex.Message);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The API server does not serve {Group} ({Versions}); VirtualServices and DestinationRules are not read. Checking again every {Seconds:F0} s")]
    private static partial void LogAbsent(ILogger logger, string group, string versions, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading VirtualServices and DestinationRules as {Group}/{Version}")]
    private static partial void LogFound(ILogger logger, string group, string version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "API discovery failed; asking again in {Seconds:F0} s: {Reason}")]
    private static partial void LogDiscoveryFailed(ILogger logger, double seconds, string reason);
}
