using Gateway.Model;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// Picks the model-server endpoint with the lowest <see cref="LoadScore"/>. It scans every endpoint (a pool of model
/// servers is small) from a random start, so ties spread instead of piling on the first; it reads the published readings
/// without locks and allocates nothing.
/// </summary>
internal sealed class LoadAwarePolicy(EndpointLoadTable table, ClusterRuntimeTable clusters, TimeProvider time) : ILoadBalancingPolicy
{
    public const string PolicyName = "Gateway.LoadAware";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        var count = availableDestinations.Count;
        if (count <= 1)
        {
            return count == 0 ? null : availableDestinations[0];
        }

        var settings = clusters.Find(cluster.ClusterId).LoadAware ?? LoadAwareSettings.Default;
        var loads = table.Current;
        var now = time.GetTimestamp();
        var start = Random.Shared.Next(count);
        DestinationState? best = null;
        var bestScore = double.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var destination = availableDestinations[(start + i) % count];
            var score = LoadScore.Of(destination, LoadScore.Fresh(loads, destination, settings, time, now));
            if (score < bestScore)
            {
                best = destination;
                bestScore = score;
            }
        }

        return best;
    }
}
