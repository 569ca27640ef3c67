using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Proxy.Translation;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway.Proxy.Management;

/// <summary>
/// Moves a discovered backend's endpoint changes (its live <see cref="EndpointSet"/>) into its YARP cluster's
/// destinations, that cluster alone: no model is built, nothing is translated, no route or other cluster is touched.
/// Destinations that stay keep their state (health, ejection, connections), and in-flight requests finish on the
/// destination they hold. Runs one at a time with <see cref="ProxyConfigApplier"/>, so a reload that translated the
/// addresses of a moment ago is followed by the update of the addresses now, never the other way round.
/// </summary>
internal sealed partial class EndpointDestinations : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IProxyStateLookup _proxyState;
    private readonly IClusterDestinationsUpdater _destinationsUpdater;
    private readonly ILogger<EndpointDestinations> _logger;
    private readonly Counter<long> _updates;
    private readonly Action<EndpointSet> _onChanged;

    // The clusters of the applied model by the live set they take their destinations from (one Service port may back
    // several backends: its Service's own and an Ingress's).
    private Dictionary<EndpointSet, string[]> _clusters = new(ReferenceEqualityComparer.Instance);

    public EndpointDestinations(IProxyStateLookup proxyState, IClusterDestinationsUpdater destinationsUpdater, ILogger<EndpointDestinations> logger, IMeterFactory meterFactory)
    {
        _proxyState = proxyState;
        _destinationsUpdater = destinationsUpdater;
        _logger = logger;
        _updates = meterFactory.Create(ModelStore.MeterName).CreateCounter<long>(
            "gateway.endpoints.updates",
            "{update}",
            "Endpoint changes applied to a backend's destinations directly, without a configuration reload.");
        _onChanged = OnChanged;
    }

    /// <summary>Waits for the updates in progress; a reload holds this while it translates and applies.</summary>
    public Task EnterAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    public void Exit() => _gate.Release();

    /// <summary>
    /// Follows the live sets of <paramref name="model"/> from now on (call holding <see cref="EnterAsync"/>, before the
    /// model is translated: a change after that waits and is applied once the reload is in). Returns what was followed
    /// before, for <see cref="Restore"/> when the model is refused.
    /// </summary>
    public Dictionary<EndpointSet, string[]> Track(GatewayModel model)
    {
        var next = new Dictionary<EndpointSet, string[]>(ReferenceEqualityComparer.Instance);
        foreach (var backend in model.Backends.Values)
        {
            if (backend.Endpoints.IsLive && backend.UnresolvedReason is null)
            {
                next[backend.Endpoints] = next.TryGetValue(backend.Endpoints, out var names) ? [.. names, backend.Name] : [backend.Name];
            }
        }

        var previous = _clusters;
        Follow(next);
        return previous;
    }

    public void Restore(Dictionary<EndpointSet, string[]> previous) => Follow(previous);

    private void Follow(Dictionary<EndpointSet, string[]> next)
    {
        foreach (var set in next.Keys)
        {
            if (!_clusters.ContainsKey(set))
            {
                set.Changed += _onChanged;
            }
        }

        foreach (var set in _clusters.Keys)
        {
            if (!next.ContainsKey(set))
            {
                set.Changed -= _onChanged;
            }
        }

        _clusters = next;
    }

    // Runs on the watch that saw the change, which may be a socket event loop (inline completions): while a reload holds
    // the gate, waiting here would stall every connection of that loop, so the update waits asynchronously instead.
    // Each update applies the set's newest endpoints, so two that overtake each other still end at the newest.
    private void OnChanged(EndpointSet set) => _ = ApplyAsync(set);

    private async Task ApplyAsync(EndpointSet set)
    {
        try
        {
            await _gate.WaitAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            if (_clusters.TryGetValue(set, out var clusters))
            {
                var endpoints = set.Current;
                foreach (var clusterId in clusters)
                {
                    Update(clusterId, endpoints);
                }
            }
        }
        catch (Exception ex)
        {
            LogUpdateFailed(_logger, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Update(string clusterId, ImmutableArray<string> endpoints)
    {
        if (!_proxyState.TryGetCluster(clusterId, out var cluster))
        {
            return;
        }

        var destinations = cluster.Destinations;
        var changed = false;
        foreach (var endpoint in endpoints)
        {
            if (!destinations.ContainsKey(endpoint))
            {
                destinations.TryAdd(endpoint, new DestinationState(endpoint, new DestinationModel(YarpTranslator.Destination(endpoint))));
                changed = true;
            }
        }

        HashSet<string>? wanted = endpoints.Length > 8 ? new(endpoints, StringComparer.OrdinalIgnoreCase) : null;
        foreach (var id in destinations.Keys)
        {
            if (wanted is null ? !Contains(endpoints, id) : !wanted.Contains(id))
            {
                destinations.TryRemove(id, out _);
                changed = true;
            }
        }

        if (changed)
        {
            // Rebuilds the cluster's destination lists (all, and available by health) that load balancing reads.
            _destinationsUpdater.UpdateAllDestinations(cluster);
            _updates.Add(1);
            LogUpdated(_logger, clusterId, endpoints.Length);
        }
    }

    // YARP names destinations case-insensitively.
    private static bool Contains(ImmutableArray<string> endpoints, string id)
    {
        foreach (var endpoint in endpoints)
        {
            if (string.Equals(endpoint, id, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying an endpoint change to the proxy failed; the next configuration reload applies it")]
    private static partial void LogUpdateFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Endpoints of backend {Backend} changed: {Count} destination(s), applied without a reload")]
    private static partial void LogUpdated(ILogger logger, string backend, int count);
}
