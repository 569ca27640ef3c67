using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Model;

public sealed class ModelStoreTests : IDisposable
{
    private readonly RecordingApplier _applier = new();
    private readonly ListLoggerProvider _logs = new();
    private readonly ServiceProvider _services;
    private readonly ModelStore _store;

    public ModelStoreTests()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _store = new ModelStore(_applier, new LoggerFactory([_logs]).CreateLogger<ModelStore>(), TimeProvider.System, _services.GetRequiredService<IMeterFactory>());
    }

    public void Dispose()
    {
        _store.Dispose();
        _services.Dispose();
    }

    private static SourceSnapshot Snapshot(string source, string backendName, params string[] routeNames) => new(
        source,
        new GatewayModel
        {
            Routes = [.. routeNames.Select(n => new RouteModel { Name = n, Source = source, Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, "/" + n) }], Backends = [new BackendRef(backendName)] })],
            Backends = ImmutableDictionary<string, BackendModel>.Empty.Add(backendName, new BackendModel { Name = backendName, Source = source }),
        },
        []);

    [Fact]
    public async Task A_rejected_change_keeps_the_previous_model_and_is_logged_once()
    {
        Assert.Empty(await _store.PublishAsync(Snapshot("file", "b", "r"), 0));
        var bad = Snapshot("file", "b", "r") with { Problems = [new ModelProblem("file", "route 'r'", "Timeout", "bad")] };

        Assert.Single(await _store.PublishAsync(bad, 0));
        Assert.Single(await _store.PublishAsync(bad, 0));

        Assert.Equal(1, _store.Status.Generation);
        Assert.Single(_applier.Applied);
        Assert.Equal("file", _store.Status.LastRejected!.Source);
        Assert.Single(_logs.Messages, m => m.StartsWith("Rejected configuration change from file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_later_source_overrides_routes_and_backends_of_the_same_name()
    {
        await _store.PublishAsync(Snapshot("appsettings", "b", "shared", "only-app"), 0);
        await _store.PublishAsync(Snapshot("configmap", "b", "shared"), 100);

        var model = _store.Status.Model;
        Assert.Equal(["shared", "only-app"], model.Routes.Select(r => r.Name));
        Assert.Equal("configmap", model.Routes[0].Source);
        Assert.Equal("configmap", model.Backends["b"].Source);
        Assert.Equal(["appsettings", "configmap"], _store.Status.Sources.ToArray());
    }

    [Fact]
    public async Task A_change_that_breaks_another_sources_references_is_rejected()
    {
        await _store.PublishAsync(Snapshot("appsettings", "b", "r"), 0);
        var removesBackend = new SourceSnapshot("appsettings", new GatewayModel { Routes = Snapshot("appsettings", "b", "r").Model.Routes }, []);

        var problems = await _store.PublishAsync(removesBackend, 0);

        Assert.Equal("appsettings: route 'r', field 'Backends[0].Name': backend 'b' is not defined; defined backends: (none)", Assert.Single(problems).ToString());
        Assert.True(_store.Status.Model.Backends.ContainsKey("b"));
    }

    [Fact]
    public async Task A_snapshot_refused_for_a_reference_another_source_then_provides_is_applied_without_being_published_again()
    {
        var needsPolicy = Snapshot("services", "b", "r");
        needsPolicy = needsPolicy with { Model = needsPolicy.Model with { Routes = [needsPolicy.Model.Routes[0] with { AuthPolicies = ["keys"] }] } };
        Assert.Single(await _store.PublishAsync(needsPolicy, 50));
        Assert.NotEmpty(await _store.PublishAsync(needsPolicy with { Source = "broken", Problems = [new ModelProblem("broken", "x", "", "own problem")] }, 60));

        var policy = new AuthPolicy { Name = "keys", Source = "configmap", Type = AuthPolicyType.ApiKey, ApiKey = new ApiKeyAuth() };
        Assert.Empty(await _store.PublishAsync(new SourceSnapshot("configmap", new GatewayModel { AuthPolicies = ImmutableDictionary<string, AuthPolicy>.Empty.Add("keys", policy) }, []), 150));

        Assert.Equal(["keys"], _store.Status.Model.Routes.Single(r => r.Name == "r").AuthPolicies.ToArray());
        Assert.Equal(["services", "configmap"], _store.Status.Sources.ToArray());
        Assert.Equal(2, _store.Status.Generation);
        Assert.Equal("broken", _store.Status.LastRejected!.Source);
    }

    [Fact]
    public async Task Problems_from_the_proxy_are_a_rejection_too()
    {
        _applier.Problems = [new ModelProblem("proxy", "route 'r'", "", "YARP refused it")];

        Assert.Single(await _store.PublishAsync(Snapshot("file", "b", "r"), 0));
        Assert.False(_store.IsReady);
        Assert.Equal(0, _store.Status.Generation);
    }

    [Fact]
    public async Task Fixing_the_source_clears_its_rejection()
    {
        await _store.PublishAsync(Snapshot("file", "b", "r") with { Problems = [new ModelProblem("file", "x", "", "bad")] }, 0);
        Assert.NotNull(_store.Status.LastRejected);

        await _store.PublishAsync(Snapshot("file", "b", "r"), 0);

        Assert.Null(_store.Status.LastRejected);
        Assert.True(_store.IsReady);
    }
}
