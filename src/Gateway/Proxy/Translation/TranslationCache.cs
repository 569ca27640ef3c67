using Gateway.Model;

namespace Gateway.Proxy.Translation;

/// <summary>
/// The YARP routes and clusters (with their runtimes) of the last translated model, by model record. Records are immutable and sources hand
/// the unchanged ones back across rebuilds, so with thousands of discovered Services a change translates only what
/// changed. Only the last call's entries are kept. Used by one thread at a time (the model store's).
/// </summary>
internal sealed class TranslationCache
{
    private Dictionary<RouteModel, CachedRouteTranslation> _routes = new(ReferenceEqualityComparer.Instance);
    private Dictionary<RouteModel, CachedRouteTranslation> _nextRoutes = new(ReferenceEqualityComparer.Instance);
    private Dictionary<BackendModel, TranslatedCluster> _clusters = new(ReferenceEqualityComparer.Instance);
    private Dictionary<BackendModel, TranslatedCluster> _nextClusters = new(ReferenceEqualityComparer.Instance);

    /// <summary>The earlier translation of <paramref name="route"/>, if the backends it names are the same records too.</summary>
    public RankedRoute[]? Find(RouteModel route, GatewayModel model)
    {
        if (!_routes.TryGetValue(route, out var entry))
        {
            return null;
        }

        for (var i = 0; i < route.Backends.Length; i++)
        {
            if (!ReferenceEquals(model.Backends.GetValueOrDefault(route.Backends[i].Name), entry.Backends[i]))
            {
                return null;
            }
        }

        _nextRoutes[route] = entry;
        return entry.Parts;
    }

    public void Add(RouteModel route, GatewayModel model, RankedRoute[] parts)
    {
        var backends = new BackendModel?[route.Backends.Length];
        for (var i = 0; i < backends.Length; i++)
        {
            backends[i] = model.Backends.GetValueOrDefault(route.Backends[i].Name);
        }

        _nextRoutes[route] = new CachedRouteTranslation(backends, parts);
    }

    public TranslatedCluster Cluster(BackendModel backend, Func<BackendModel, TranslatedCluster> build)
    {
        // A live endpoint set may have changed in place since: its cluster is rebuilt with the addresses now (YARP's
        // reload would otherwise set the destinations back to the old ones).
        if (!_clusters.TryGetValue(backend, out var cluster) || cluster.Endpoints != backend.Endpoints.Current)
        {
            cluster = build(backend);
        }

        _nextClusters[backend] = cluster;
        return cluster;
    }

    /// <summary>Keeps what the translation just used, and forgets the rest.</summary>
    public void Commit()
    {
        (_routes, _nextRoutes) = (_nextRoutes, _routes);
        (_clusters, _nextClusters) = (_nextClusters, _clusters);
        _nextRoutes.Clear();
        _nextClusters.Clear();
    }
}
