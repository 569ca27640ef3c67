using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// The connection pools of the lean upstream path, one per destination address, made on first use. A timer closes idle
/// connections past their time and forgets pools nobody rented from for as long (pods come and go).
/// </summary>
internal sealed class UpstreamPools : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, UpstreamConnectionPool> _pools = new(StringComparer.Ordinal);
    private readonly ITimer _sweeper;

    public UpstreamPools(TimeProvider time) => _sweeper = time.CreateTimer(static state => ((UpstreamPools)state!).Sweep(), this, SweepInterval, SweepInterval);

    public UpstreamConnectionPool For(string destinationPrefix) =>
        _pools.TryGetValue(destinationPrefix, out var pool) ? pool : _pools.GetOrAdd(destinationPrefix, static prefix => new UpstreamConnectionPool(prefix));

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var pool in _pools.Values)
        {
            pool.Dispose();
        }
    }

    private void Sweep()
    {
        foreach (var (prefix, pool) in _pools)
        {
            pool.Sweep();
            if (Stopwatch.GetElapsedTime(pool.LastRented) > UpstreamConnectionPool.IdleTimeout && _pools.TryRemove(prefix, out var removed))
            {
                removed.Dispose();
            }
        }
    }
}
