using Gateway.LoadBalancing;
using Gateway.Model;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests.LoadBalancing;

public sealed class ConsistentHashPolicyTests
{
    private static readonly ConsistentHashPolicy Policy = new();

    [Fact]
    public void The_same_header_value_always_reaches_the_same_endpoint_and_keys_spread_over_all()
    {
        var cluster = Cluster(new LoadBalancingPolicy { Mode = LoadBalancingMode.ConsistentHash, HashHeader = "x-user" });
        var destinations = Destinations(4);
        var counts = new Dictionary<string, int>();
        for (var user = 0; user < 4000; user++)
        {
            var first = Policy.PickDestination(Request(("x-user", $"user-{user}")), cluster, destinations)!;
            Assert.Same(first, Policy.PickDestination(Request(("x-user", $"user-{user}")), cluster, destinations));
            counts[first.DestinationId] = counts.GetValueOrDefault(first.DestinationId) + 1;
        }

        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void An_endpoint_leaving_moves_only_the_keys_it_had()
    {
        var cluster = Cluster(new LoadBalancingPolicy { Mode = LoadBalancingMode.ConsistentHash, HashCookie = "session" });
        var all = Destinations(5);
        var remaining = all.Where(d => d.DestinationId != "d2").ToArray();
        for (var user = 0; user < 1000; user++)
        {
            var request = Request(("Cookie", $"other=1; session=s{user}"));
            var before = Policy.PickDestination(request, cluster, all)!;
            var after = Policy.PickDestination(request, cluster, remaining)!;
            if (before.DestinationId != "d2")
            {
                Assert.Same(before, after);
            }
        }
    }

    [Fact]
    public void Source_address_hashing_keeps_a_client_on_one_endpoint()
    {
        var cluster = Cluster(new LoadBalancingPolicy { Mode = LoadBalancingMode.ConsistentHash, HashSourceIp = true });
        var destinations = Destinations(3);
        var context = Request();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("10.1.2.3");
        var first = Policy.PickDestination(context, cluster, destinations);
        for (var i = 0; i < 20; i++)
        {
            Assert.Same(first, Policy.PickDestination(context, cluster, destinations));
        }
    }

    private static HttpContext Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context;
    }

    private static ClusterState Cluster(LoadBalancingPolicy policy)
    {
        var config = new ClusterConfig
        {
            ClusterId = "c",
            LoadBalancingPolicy = ClusterLoadBalancing.PolicyName(policy),
            Metadata = ClusterLoadBalancing.AddMetadata(policy, null),
        };
        return new ClusterState("c", new ClusterModel(config, new HttpMessageInvoker(new HttpClientHandler())));
    }

    private static DestinationState[] Destinations(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new DestinationState($"d{i}", new DestinationModel(new DestinationConfig { Address = $"http://10.0.0.{i}:8080" })))];
}
