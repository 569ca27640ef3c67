using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy.Management;

/// <summary>
/// YARP's config validator, remembering the routes and clusters it passed by reference. The translator hands back the
/// same objects for unchanged routes and backends, and YARP validates every route and cluster on every update (after
/// <see cref="ProxyConfigApplier"/> did), so with thousands of discovered Services a change would otherwise parse
/// thousands of route templates twice. Errors are never remembered: a refused object is checked again.
/// </summary>
internal sealed class CachingConfigValidator(IConfigValidator inner) : IConfigValidator
{
    private static readonly object Valid = new();
    private static readonly ValueTask<IList<Exception>> NoErrors = new(Array.Empty<Exception>());

    private readonly ConditionalWeakTable<RouteConfig, object> _validRoutes = [];
    private readonly ConditionalWeakTable<ClusterConfig, object> _validClusters = [];

    public ValueTask<IList<Exception>> ValidateRouteAsync(RouteConfig route) =>
        _validRoutes.TryGetValue(route, out _) ? NoErrors : Remember(inner.ValidateRouteAsync(route), route, _validRoutes);

    public ValueTask<IList<Exception>> ValidateClusterAsync(ClusterConfig cluster) =>
        _validClusters.TryGetValue(cluster, out _) ? NoErrors : Remember(inner.ValidateClusterAsync(cluster), cluster, _validClusters);

    private static async ValueTask<IList<Exception>> Remember<T>(ValueTask<IList<Exception>> validation, T config, ConditionalWeakTable<T, object> valid)
        where T : class
    {
        var errors = await validation;
        if (errors.Count == 0)
        {
            valid.AddOrUpdate(config, Valid);
        }

        return errors;
    }
}
