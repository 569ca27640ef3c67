using Gateway.Model;
using Yarp.ReverseProxy.LoadBalancing;

namespace Gateway.LoadBalancing;

/// <summary>The parts of a YARP cluster that carry a backend's <see cref="LoadBalancingPolicy"/>.</summary>
internal static class ClusterLoadBalancing
{
    /// <summary>Request header whose value a consistent-hash backend hashes.</summary>
    public const string HashHeaderKey = "Gateway.HashHeader";

    /// <summary>Cookie whose value a consistent-hash backend hashes.</summary>
    public const string HashCookieKey = "Gateway.HashCookie";

    /// <summary>"true" when a consistent-hash backend hashes the client address.</summary>
    public const string HashSourceIpKey = "Gateway.HashSourceIp";

    /// <summary>The YARP policy name; null keeps YARP's default (power of two choices).</summary>
    public static string? PolicyName(LoadBalancingPolicy? balancing) => balancing?.Mode switch
    {
        LoadBalancingMode.RoundRobin => LoadBalancingPolicies.RoundRobin,
        LoadBalancingMode.Random => LoadBalancingPolicies.Random,
        LoadBalancingMode.ConsistentHash => ConsistentHashPolicy.PolicyName,
        LoadBalancingMode.LoadAware => LoadAwarePolicy.PolicyName,
        _ => null,
    };

    /// <summary><paramref name="metadata"/> plus the hash key of a consistent-hash backend.</summary>
    public static Dictionary<string, string>? AddMetadata(LoadBalancingPolicy? balancing, Dictionary<string, string>? metadata)
    {
        if (balancing is not { Mode: LoadBalancingMode.ConsistentHash })
        {
            return metadata;
        }

        metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (balancing.HashHeader is { } header)
        {
            metadata[HashHeaderKey] = header;
        }

        if (balancing.HashCookie is { } cookie)
        {
            metadata[HashCookieKey] = cookie;
        }

        if (balancing.HashSourceIp)
        {
            metadata[HashSourceIpKey] = "true";
        }

        return metadata;
    }
}
