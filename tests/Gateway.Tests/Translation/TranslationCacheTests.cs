using System.Collections.Immutable;
using System.Text.Json;
using Gateway.Model;
using Gateway.Proxy.Routing;
using Gateway.Proxy.Translation;

namespace Gateway.Tests.Translation;

/// <summary>
/// Translating with a cache must give exactly what translating from scratch gives, through a sequence of changes
/// like those discovery makes (endpoints change, routes come and go and shift each other's order, a backend disappears),
/// and hand back the very same YARP objects for what did not change, so YARP keeps their endpoints.
/// </summary>
public sealed class TranslationCacheTests
{
    [Fact]
    public void Cached_translation_equals_a_fresh_one_through_a_sequence_of_changes()
    {
        var cache = new TranslationCache();
        var backends = Enumerable.Range(0, 4).ToDictionary(i => $"b{i}", i => Backend($"b{i}", $"http://10.0.0.{i}:80"));
        var routes = Enumerable.Range(0, 4).Select(i => Route($"r{i}", $"/m{i}", $"b{i}")).ToList();
        var first = Translate(cache, routes, backends);

        // One backend's endpoints change: its cluster is new, everything else is the same object.
        backends["b1"] = Backend("b1", "http://10.0.1.1:80", "http://10.0.1.2:80");
        var second = Translate(cache, routes, backends);
        Assert.NotSame(first.Clusters[1], second.Clusters[1]);
        Assert.Same(first.Clusters[0], second.Clusters[0]);
        Assert.Same(first.Routes.Single(r => r.RouteId == "r3"), second.Routes.Single(r => r.RouteId == "r3"));

        // A more specific route arrives first in declaration order: every route index and order shifts.
        routes.Insert(0, Route("r-new", "/m2/deeper", "b2"));
        Translate(cache, routes, backends);

        // A backend disappears: the route naming it turns into a fixed 500, though the route record is unchanged.
        backends.Remove("b3");
        var last = Translate(cache, routes, backends);
        Assert.Equal(500, last.Runtimes["r3"].FixedStatus);

        // And back again, with routes removed.
        backends["b3"] = Backend("b3", "http://10.0.0.3:80");
        routes.RemoveAt(2);
        Translate(cache, routes, backends);
    }

    [Fact]
    public void A_live_endpoint_set_changed_in_place_gives_its_cluster_the_addresses_now_and_leaves_the_rest()
    {
        var cache = new TranslationCache();
        var live = EndpointSet.Live(["http://10.0.0.1:80"]);
        var backends = new Dictionary<string, BackendModel>
        {
            ["b0"] = new() { Name = "b0", Endpoints = live },
            ["b1"] = Backend("b1", "http://10.0.0.2:80"),
        };
        var routes = new List<RouteModel> { Route("r0", "/m0", "b0"), Route("r1", "/m1", "b1") };
        var first = Translate(cache, routes, backends);

        Assert.True(live.Replace(["http://10.0.0.1:80", "http://10.0.0.3:80"]));
        var second = Translate(cache, routes, backends);

        Assert.Equal(["http://10.0.0.1:80", "http://10.0.0.3:80"], second.Clusters[0].Destinations!.Keys.Order());
        Assert.Same(first.Clusters[1], second.Clusters[1]);
        Assert.Same(first.Routes[0], second.Routes[0]);
    }

    private static ProxyConfigSnapshot Translate(TranslationCache cache, List<RouteModel> routes, Dictionary<string, BackendModel> backends)
    {
        var model = new GatewayModel { Routes = [.. routes], Backends = backends.ToImmutableDictionary(StringComparer.Ordinal) };
        var cached = YarpTranslator.Translate(model, cache, slots: null);
        var fresh = YarpTranslator.Translate(model);
        Assert.Equal(JsonSerializer.Serialize(fresh.Routes), JsonSerializer.Serialize(cached.Routes));
        Assert.Equal(JsonSerializer.Serialize(fresh.Clusters), JsonSerializer.Serialize(cached.Clusters));
        Assert.Equal(JsonSerializer.Serialize(Plans(fresh)), JsonSerializer.Serialize(Plans(cached)));
        return cached;
    }

    private static Dictionary<string, RoutePlan> Plans(ProxyConfigSnapshot snapshot) =>
        snapshot.Runtimes.ToDictionary(r => r.Key, r => r.Value.Plan);

    private static BackendModel Backend(string name, params string[] endpoints) => new() { Name = name, Source = "s", Endpoints = [.. endpoints] };

    private static RouteModel Route(string name, string prefix, string backend) => new()
    {
        Name = name,
        Source = "s",
        Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, prefix) }],
        Backends = [new BackendRef(backend)],
    };
}
