using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Watches one kind of an <see cref="OptionalApi"/> once the API server serves it. Until then the cache holds no objects
/// but counts as listed, so the source publishes (an empty model) and the gateway becomes ready without the CRDs.
/// </summary>
internal sealed class GatedWatch<T>(OptionalApi api, ResourceCache<T> cache, Func<string, WatchLoop<T>> loopFor)
    where T : IKubernetesObject<V1ObjectMeta>
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string version;
        try
        {
            version = await api.WaitForVersionAsync(
                () =>
                {
                    if (!cache.IsSynced)
                    {
                        cache.Replace([]);
                    }
                },
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        await loopFor(version).RunAsync(cancellationToken);
    }
}
