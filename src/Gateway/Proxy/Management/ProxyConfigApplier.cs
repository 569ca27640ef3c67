using Gateway.Model;
using Gateway.Proxy.Routing;
using Gateway.Proxy.Translation;
using Gateway.Resilience;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy.Management;

/// <summary>
/// Translates a model into YARP configuration, checks it with YARP's own validator, and swaps it in atomically.
/// In-flight requests keep the endpoints they were routed with, so a reload drops nothing. Endpoint changes of
/// discovered backends in between reach YARP through <see cref="EndpointDestinations"/>, not through here.
/// </summary>
internal sealed class ProxyConfigApplier(
    InMemoryConfigProvider provider,
    IConfigValidator validator,
    RouteRuntimeTable runtimes,
    ClusterRuntimeTable clusterRuntimes,
    RouteSlotRegistry slots,
    EndpointDestinations endpointDestinations)
    : IModelApplier
{
    private readonly TranslationCache _cache = new();
    private GatewayModel? _applied;

    public async ValueTask<IReadOnlyList<ModelProblem>> ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        await endpointDestinations.EnterAsync(cancellationToken);
        try
        {
            var followed = endpointDestinations.Track(model);
            if (_applied is { } applied && SameRoutesAndBackends(applied, model))
            {
                // A change that translation does not read (a TLS Secret's certificate, an auth key): YARP keeps what it has.
                _applied = model;
                return [];
            }

            var problems = await ApplyCoreAsync(model);
            if (problems.Count > 0)
            {
                endpointDestinations.Restore(followed);
            }
            else
            {
                _applied = model;
            }

            return problems;
        }
        finally
        {
            endpointDestinations.Exit();
        }
    }

    /// <summary>Whether <paramref name="next"/> has the very route records, in the same order, and backend records of <paramref name="applied"/>: the inputs of translation.</summary>
    private static bool SameRoutesAndBackends(GatewayModel applied, GatewayModel next)
    {
        if (applied.Routes.Length != next.Routes.Length || applied.Backends.Count != next.Backends.Count)
        {
            return false;
        }

        for (var i = 0; i < next.Routes.Length; i++)
        {
            if (!ReferenceEquals(applied.Routes[i], next.Routes[i]))
            {
                return false;
            }
        }

        if (ReferenceEquals(applied.Backends, next.Backends))
        {
            return true;
        }

        foreach (var (name, backend) in next.Backends)
        {
            if (!applied.Backends.TryGetValue(name, out var current) || !ReferenceEquals(current, backend))
            {
                return false;
            }
        }

        return true;
    }

    private async ValueTask<IReadOnlyList<ModelProblem>> ApplyCoreAsync(GatewayModel model)
    {
        var config = YarpTranslator.Translate(model, _cache, slots);
        var problems = new List<ModelProblem>();
        foreach (var route in config.Routes)
        {
            foreach (var error in await validator.ValidateRouteAsync(route))
            {
                var name = config.Runtimes[route.RouteId].RouteName;
                var source = model.Routes.FirstOrDefault(r => r.Name == name)?.Source ?? "proxy";
                problems.Add(new ModelProblem(source, $"route '{name}'", "", error.Message));
            }
        }

        foreach (var cluster in config.Clusters)
        {
            foreach (var error in await validator.ValidateClusterAsync(cluster))
            {
                problems.Add(new ModelProblem(model.Backends[cluster.ClusterId].Source, $"backend '{cluster.ClusterId}'", "", error.Message));
            }
        }

        if (problems.Count == 0)
        {
            // YARP builds the endpoints of new and changed routes, and the clients of new and changed clusters, within
            // Update, finding their runtimes here.
            runtimes.Publish(config.Runtimes);
            clusterRuntimes.Publish(config.ClusterRuntimes);
            provider.Update(config.Routes, config.Clusters);
        }

        return problems;
    }
}
