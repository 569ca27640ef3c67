using Gateway.Primitives;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// Picks the endpoint by rendezvous hashing of a request key (a header, a cookie or the client address) with each
/// endpoint's address: the same key keeps reaching the same endpoint, and an endpoint leaving moves only its own keys.
/// A request without the key gets a random endpoint, as in Envoy.
/// </summary>
internal sealed class ConsistentHashPolicy : ILoadBalancingPolicy
{
    public const string PolicyName = "Gateway.ConsistentHash";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        var count = availableDestinations.Count;
        if (count <= 1)
        {
            return count == 0 ? null : availableDestinations[0];
        }

        if (!TryGetKey(context, cluster.Model.Config.Metadata, out var key))
        {
            return availableDestinations[Random.Shared.Next(count)];
        }

        var best = availableDestinations[0];
        var bestScore = double.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var destination = availableDestinations[i];
            var score = StickyHash.Score(key, StickyHash.Of(destination.Model.Config.Address), 1.0);
            if (score < bestScore)
            {
                best = destination;
                bestScore = score;
            }
        }

        return best;
    }

    private static bool TryGetKey(HttpContext context, IReadOnlyDictionary<string, string>? metadata, out ulong key)
    {
        key = 0;
        if (metadata is null)
        {
            return false;
        }

        if (metadata.TryGetValue(ClusterLoadBalancing.HashHeaderKey, out var header))
        {
            if (context.Request.Headers.TryGetValue(header, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]))
            {
                key = StickyHash.Of(values[0]);
                return true;
            }

            return false;
        }

        if (metadata.TryGetValue(ClusterLoadBalancing.HashCookieKey, out var cookie))
        {
            if (CookieValue.TryGet(context.Request.Headers.Cookie, cookie, out var value) && !value.IsEmpty)
            {
                key = StickyHash.Of(value);
                return true;
            }

            return false;
        }

        if (metadata.ContainsKey(ClusterLoadBalancing.HashSourceIpKey) && context.Connection.RemoteIpAddress is { } address)
        {
            Span<char> text = stackalloc char[64];
            if (address.TryFormat(text, out var written))
            {
                key = StickyHash.Of(text[..written]);
                return true;
            }
        }

        return false;
    }
}
