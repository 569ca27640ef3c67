using System.Text;
using Gateway.LoadBalancing;
using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Resilience;
using Gateway.Sources.File;

namespace Gateway.Tests.LoadBalancing;

public sealed class LoadBalancingConfigTests
{
    private static SourceSnapshot Read(string json)
    {
        var config = JsonConfigFile.TryLoad(Encoding.UTF8.GetBytes(json), out var error);
        Assert.True(config is not null, error);
        return GatewayConfigReader.Read(config, "test.json", GatewayConfigReader.RoutingKeys);
    }

    [Fact]
    public void Reads_the_load_aware_settings_of_a_backend_and_hands_them_to_its_cluster()
    {
        var snapshot = Read("""
        {
          "Routes": [ { "Name": "r", "Backends": [ "llm" ] } ],
          "Backends": {
            "llm": {
              "Endpoints": [ "http://10.0.0.1:8000" ],
              "LoadBalancing": { "Mode": "LoadAware", "MetricsPort": 8002, "ScrapeInterval": "500ms", "MaxQueueDepth": 8, "MaxKvCacheUsage": 0.8,
                                 "MaxQueued": 50, "MaxQueueWait": "5s", "CriticalMaxQueueWait": "1m", "CriticalityHeader": "x-criticality" }
            },
            "plain": { "Endpoints": [ "http://10.0.0.2:80" ], "LoadBalancing": "RoundRobin" },
            "defaults": { "Endpoints": [ "http://10.0.0.3:80" ], "LoadBalancing": "LoadAware" }
          }
        }
        """);

        Assert.Empty(snapshot.Problems.Concat(ModelValidator.Validate(snapshot.Model)));
        var llm = snapshot.Model.Backends["llm"];
        var expected = new LoadAwareSettings
        {
            MetricsPort = 8002, ScrapeInterval = TimeSpan.FromMilliseconds(500), MaxQueueDepth = 8, MaxKvCacheUsage = 0.8,
            MaxQueued = 50, MaxQueueWait = TimeSpan.FromSeconds(5), CriticalMaxQueueWait = TimeSpan.FromMinutes(1), CriticalityHeader = "x-criticality",
        };
        Assert.Equal(expected, llm.LoadBalancing!.LoadAware);
        Assert.Equal(expected, ClusterResilience.Runtime(llm)!.LoadAware);
        Assert.Equal(LoadAwarePolicy.PolicyName, ClusterLoadBalancing.PolicyName(llm.LoadBalancing));
        Assert.Equal(LoadBalancingMode.RoundRobin, snapshot.Model.Backends["plain"].LoadBalancing!.Mode);
        Assert.Null(ClusterResilience.Runtime(snapshot.Model.Backends["plain"]));
        Assert.Equal(LoadAwareSettings.Default, ClusterResilience.Runtime(snapshot.Model.Backends["defaults"])!.LoadAware);
    }

    [Fact]
    public void Every_bad_setting_is_named_with_its_backend_and_field()
    {
        var snapshot = Read("""
        {
          "Routes": [ { "Name": "r", "Backends": [ "a" ] } ],
          "Backends": {
            "a": { "Endpoints": [ "http://10.0.0.1:80" ], "LoadBalancing": { "Mode": "LoadAware", "MetricsPath": "metrics", "MetricsPort": 70000, "ScrapeInterval": "10ms",
                   "StaleAfterIntervals": 0, "MaxQueueDepth": 0, "MaxKvCacheUsage": 90, "MaxQueued": -1, "MaxQueueWait": "30s", "CriticalMaxQueueWait": "5s", "CriticalityHeader": "bad header" } },
            "b": { "Endpoints": [ "http://10.0.0.2:80" ], "LoadBalancing": { "Mode": "RoundRobin", "MaxQueueDepth": 3 } },
            "c": { "Endpoints": [ "http://10.0.0.3:80" ], "LoadBalancing": { "Mode": "Fastest", "MaxKvCacheUsage": "most", "Weight": 1 } },
            "d": { "Endpoints": [ "http://10.0.0.4:80" ], "LoadBalancing": { "MaxQueueDepth": 3 } }
          }
        }
        """);
        // Backends are validated in no particular order: compare sorted.
        var problems = snapshot.Problems.Concat(ModelValidator.Validate(snapshot.Model)).Select(p => p.ToString()).Order(StringComparer.Ordinal);

        string[] expected =
        [
            "test.json: backend 'c', field 'LoadBalancing.Weight': unknown field; expected one of: Mode, HashHeader, HashCookie, HashSourceIp, MetricsPath, MetricsPort, ScrapeInterval, StaleAfterIntervals, MaxQueueDepth, MaxKvCacheUsage, MaxQueued, MaxQueueWait, CriticalMaxQueueWait, CriticalityHeader",
            "test.json: backend 'c', field 'LoadBalancing.Mode': 'Fastest' is not one of: LeastRequests, RoundRobin, Random, ConsistentHash, LoadAware",
            "test.json: backend 'd', field 'LoadBalancing.Mode': is required; one of: LeastRequests, RoundRobin, Random, ConsistentHash, LoadAware",
            "test.json: backend 'a', field 'LoadBalancing.MetricsPath': 'metrics' must be a path starting with '/', such as /metrics",
            "test.json: backend 'a', field 'LoadBalancing.MetricsPort': 70000 is not a port number (1-65535)",
            "test.json: backend 'a', field 'LoadBalancing.ScrapeInterval': 00:00:00.0100000 is shorter than 100 ms",
            "test.json: backend 'a', field 'LoadBalancing.StaleAfterIntervals': 0 must be 1 or more",
            "test.json: backend 'a', field 'LoadBalancing.MaxQueueDepth': 0 must be 1 or more",
            "test.json: backend 'a', field 'LoadBalancing.MaxKvCacheUsage': 90 must be above 0 and at most 1 (a fraction, 0.9 for 90 %)",
            "test.json: backend 'a', field 'LoadBalancing.MaxQueued': -1 must be 0 or more",
            "test.json: backend 'a', field 'LoadBalancing.CriticalMaxQueueWait': 00:00:05 is shorter than MaxQueueWait 00:00:30; Critical requests wait at least as long as Standard ones",
            "test.json: backend 'a', field 'LoadBalancing.CriticalityHeader': 'bad header' is not a header name",
            "test.json: backend 'b', field 'LoadBalancing.Mode': is RoundRobin, but load-aware settings are given; set Mode to LoadAware or remove them",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), problems);
    }
}
