using Gateway.Observability;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// The one place watches are made: a <see cref="ResourceCache{T}"/> filled by a <see cref="WatchLoop{T}"/> for a
/// <see cref="WatchTarget{T}"/>, optionally gated on an <see cref="OptionalApi"/>. Collects what must run (the loops,
/// and the sources' other background work) for the discovery service to start together.
/// </summary>
internal sealed class KubernetesWatches(TimeSpan idleTimeout, TimeProvider timeProvider, ILogger logger, KubernetesMetrics metrics, ReadinessRegistry? readiness = null)
{
    private readonly List<Func<CancellationToken, Task>> _runs = [];

    public IReadOnlyList<Func<CancellationToken, Task>> Runs => _runs;

    /// <summary>A cache of <paramref name="target"/>'s objects, listed and watched from the start.</summary>
    public ResourceCache<T> Watch<T>(WatchTarget<T> target)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var cache = new ResourceCache<T>();
        _runs.Add(Loop(target, cache).RunAsync);
        return cache;
    }

    /// <summary>A cache of a kind of an optional API: empty (and listed) while the API is not served, watched once it is.</summary>
    /// <param name="target">The query for the version the API server serves.</param>
    public ResourceCache<T> Watch<T>(OptionalApi api, Func<string, WatchTarget<T>> target)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var cache = new ResourceCache<T>();
        _runs.Add(new GatedWatch<T>(api, cache, version => Loop(target(version), cache)).RunAsync);
        return cache;
    }

    /// <summary>A loop that fills <paramref name="cache"/>, for watches started and stopped on demand.</summary>
    public WatchLoop<T> Loop<T>(WatchTarget<T> target, ResourceCache<T> cache)
        where T : IKubernetesObject<V1ObjectMeta> =>
        new(target, cache, new Backoff(Backoff.DefaultInitial, Backoff.DefaultMaximum, Random.Shared), idleTimeout, timeProvider, logger, metrics, readiness);

    /// <summary>Background work that runs as long as the watches (publishers, status writers).</summary>
    public void Run(Func<CancellationToken, Task> run) => _runs.Add(run);
}
