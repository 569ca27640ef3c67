using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Proxy.Routing;
using Gateway.Proxy.Translation;

namespace Gateway.Tests.Proxy;

/// <summary>An endpoint gets the runtime its YARP route was translated with, never another snapshot's for the same id.</summary>
public sealed class RouteRuntimeTableTests
{
    private static ProxyConfigSnapshot Translate(TimeSpan? timeout) => YarpTranslator.Translate(new GatewayModel
    {
        Routes = [new RouteModel { Name = "r", Matches = [new RouteMatch()], Backends = [new BackendRef("b")], Timeout = timeout }],
        Backends = ImmutableDictionary<string, BackendModel>.Empty.Add("b", new BackendModel { Name = "b", Endpoints = ["http://10.0.0.1:80"] }),
    });

    [Fact]
    public void A_route_of_the_published_snapshot_finds_its_runtime()
    {
        var snapshot = Translate(TimeSpan.FromSeconds(5));
        var table = new RouteRuntimeTable();
        table.Publish(snapshot.Runtimes);

        Assert.Same(snapshot.Runtimes["r"], table.Find(snapshot.Routes[0]));
    }

    [Fact]
    public void A_route_of_another_snapshot_with_the_same_id_finds_none()
    {
        var older = Translate(TimeSpan.FromSeconds(5));
        var newer = Translate(TimeSpan.FromSeconds(9));
        var table = new RouteRuntimeTable();
        table.Publish(newer.Runtimes);

        Assert.False(table.TryFind(older.Routes[0], out _));
        var error = Assert.Throws<InvalidOperationException>(() => table.Find(older.Routes[0]));
        Assert.Contains("'r'", error.Message, StringComparison.Ordinal);
    }
}
