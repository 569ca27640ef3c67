using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// Watches one Istio kind once the API server serves it. Until then the cache holds no objects but counts as listed,
/// so the Istio source publishes (an empty model) and the gateway becomes ready without the CRDs.
/// </summary>
internal sealed class IstioWatch<T>(IstioApiDiscovery discovery, ResourceCache<T> cache, Func<string, WatchLoop<T>> loopFor)
    where T : IKubernetesObject<V1ObjectMeta>
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string version;
        try
        {
            version = await discovery.WaitForVersionAsync(
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
