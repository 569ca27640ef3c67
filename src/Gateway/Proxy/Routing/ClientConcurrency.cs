using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

using Gateway.Primitives;

namespace Gateway.Proxy.Routing;

/// <summary>
/// Requests in flight per client address on one route, for ingress-nginx <c>limit-connections</c>: lock-free counters,
/// one per client with requests in flight, removed again when its last request ends.
/// </summary>
internal sealed class ClientConcurrency(int limit, AddressRanges? exempt = null)
{
    private readonly ConcurrentDictionary<UInt128, StrongBox<int>> _inFlight = new();

    public int Limit { get; } = limit;

    /// <summary>Whether the client is in the route's exempt ranges (ingress-nginx <c>limit-allowlist</c>), never counted.</summary>
    public bool Exempts(UInt128 client) => exempt is not null && exempt.Contains(client);

    /// <summary>Counts the request in; false (and nothing counted) when the client already has <see cref="Limit"/> in flight.</summary>
    public bool TryEnter(UInt128 client)
    {
        var counter = _inFlight.GetOrAdd(client, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref counter.Value) <= Limit)
        {
            return true;
        }

        Exit(client, counter);
        return false;
    }

    public void Exit(UInt128 client)
    {
        if (_inFlight.TryGetValue(client, out var counter))
        {
            Exit(client, counter);
        }
    }

    private void Exit(UInt128 client, StrongBox<int> counter)
    {
        // A request that raced the removal counts on a detached box: the client may briefly get one more in.
        if (Interlocked.Decrement(ref counter.Value) <= 0)
        {
            _inFlight.TryRemove(new KeyValuePair<UInt128, StrongBox<int>>(client, counter));
        }
    }
}
