using System.Collections.Immutable;
using Gateway.Model;

namespace Gateway.Tests.Model;

public sealed class RouteConflictsTests
{
    private static SourceSnapshot Source(string source, params RouteModel[] routes) =>
        new(source, new GatewayModel { Routes = [.. routes] }, []);

    private static RouteModel Route(string name, string source, string path, ImmutableArray<string> hosts = default, string? method = null) => new()
    {
        Name = name,
        Source = source,
        Hostnames = hosts.IsDefault ? [] : hosts,
        Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, path), Method = method }],
        Backends = [new BackendRef("x")],
    };

    [Fact]
    public void Higher_precedence_source_wins_the_same_path_and_host_and_the_loser_is_reported()
    {
        var warnings = new List<ModelProblem>();
        var models = RouteConflicts.Resolve(
            [
                Source("services", Route("service/ml/chat", "services", "/chat"), Route("service/ml/other", "services", "/other")),
                Source("configmap", Route("chat", "configmap", "/chat")),
            ],
            warnings);

        Assert.Equal(["service/ml/other"], models[0].Routes.Select(r => r.Name));
        Assert.Equal(["chat"], models[1].Routes.Select(r => r.Name));
        var warning = Assert.Single(warnings);
        Assert.Equal("services: route 'service/ml/chat', field 'Matches': takes the same requests as route 'chat' from configmap, which takes precedence; this route is not served", warning.ToString());
    }

    [Fact]
    public void Different_host_or_method_or_the_same_name_is_not_a_conflict()
    {
        var warnings = new List<ModelProblem>();
        var models = RouteConflicts.Resolve(
            [
                Source("low", Route("a", "low", "/chat", ["a.example.com"]), Route("b", "low", "/chat", method: "POST"), Route("same", "low", "/same")),
                Source("high", Route("c", "high", "/chat", ["b.example.com"]), Route("d", "high", "/chat"), Route("same", "high", "/same")),
            ],
            warnings);

        Assert.Empty(warnings);
        Assert.Equal(3, models[0].Routes.Length);
    }

    [Fact]
    public void Host_names_compare_case_insensitively()
    {
        var warnings = new List<ModelProblem>();
        RouteConflicts.Resolve([Source("low", Route("a", "low", "/x", ["API.example.com"])), Source("high", Route("b", "high", "/x", ["api.example.com"]))], warnings);
        Assert.Single(warnings);
    }
}
