using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Model;

/// <summary>The store validates the parts of a snapshot (one per Kubernetes object) one by one and leaves out only the invalid ones.</summary>
public sealed class ModelPartsTests : IDisposable
{
    private readonly RecordingApplier _applier = new();
    private readonly ServiceProvider _services;
    private readonly ModelStore _store;

    public ModelPartsTests()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _store = new ModelStore(_applier, NullLogger<ModelStore>.Instance, TimeProvider.System, _services.GetRequiredService<IMeterFactory>());
    }

    public void Dispose()
    {
        _store.Dispose();
        _services.Dispose();
    }

    private static ModelPart Part(string name, string backend, string? host = null) => new(
        [new RouteModel
        {
            Name = name,
            Source = "services",
            Hostnames = host is null ? [] : [host],
            Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, "/" + name) }],
            Backends = [new BackendRef(backend)],
        }],
        [new BackendModel { Name = backend, Source = "services", Endpoints = ["http://10.0.0.1:80"] }],
        [],
        p => p with { Object = $"Service '{name}'", Message = p.Message + "; left out" });

    private static SourceSnapshot Snapshot(params ModelPart[] parts)
    {
        var backends = ImmutableDictionary.CreateBuilder<string, BackendModel>(StringComparer.Ordinal);
        foreach (var backend in parts.SelectMany(p => p.Backends))
        {
            backends[backend.Name] = backend;
        }

        return new SourceSnapshot("services", new GatewayModel { Routes = [.. parts.SelectMany(p => p.Routes)], Backends = backends.ToImmutable() }, [])
        {
            Parts = [.. parts],
        };
    }

    [Fact]
    public async Task An_invalid_part_is_left_out_with_a_warning_naming_its_object_and_the_rest_is_applied()
    {
        var problems = await _store.PublishAsync(Snapshot(Part("good", "g"), Part("bad", "b", host: "https://models.example.com")), 50);

        Assert.Empty(problems);
        var status = _store.Status;
        Assert.Null(status.LastRejected);
        Assert.Equal(["good"], status.Model.Routes.Select(r => r.Name));
        Assert.Equal(["g"], status.Model.Backends.Keys);
        var warning = Assert.Single(status.Warnings);
        Assert.Equal("Service 'bad'", warning.Object);
        Assert.StartsWith("'https://models.example.com' is not a hostname", warning.Message, StringComparison.Ordinal);
        Assert.EndsWith("; left out", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_that_a_valid_part_also_brings_stays_when_an_invalid_part_is_left_out()
    {
        await _store.PublishAsync(Snapshot(Part("good", "shared"), Part("bad", "shared", host: "bad host")), 50);

        Assert.Equal(["good"], _store.Status.Model.Routes.Select(r => r.Name));
        Assert.Equal(["shared"], _store.Status.Model.Backends.Keys);
    }

    [Fact]
    public async Task A_part_left_out_is_served_once_its_object_is_fixed()
    {
        var good = Part("good", "g");
        await _store.PublishAsync(Snapshot(good, Part("later", "l", host: "bad host")), 50);

        await _store.PublishAsync(Snapshot(good, Part("later", "l", host: "later.example.com")), 50);

        Assert.Equal(["good", "later"], _store.Status.Model.Routes.Select(r => r.Name));
        Assert.Empty(_store.Status.Warnings);
        Assert.Equal(2, _store.Status.Generation);
    }

    [Fact]
    public void A_token_budget_the_part_does_not_bring_is_left_to_the_merged_model_and_one_it_brings_is_checked()
    {
        var part = Part("llm", "l");
        var route = part.Routes[0] with { TokenLimitPolicy = "configured-tokens" };

        Assert.Empty(ModelParts.Check([route], part.Backends, []));

        var requests = new RateLimitPolicy { Name = "configured-tokens", Rate = "10/m" };
        Assert.Equal(
            ["services: route 'llm', field 'TokenLimitPolicy': policy 'configured-tokens' counts Requests; name a policy with Unit Tokens here, or move it to RateLimitPolicy"],
            ModelParts.Check([route], part.Backends, [requests]).Select(p => p.ToString()));
    }
}
