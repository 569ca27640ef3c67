using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Observability;
using Gateway.Sources.Kubernetes;
using Gateway.Tests.Model;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class SnapshotPublisherTests
{
    [Fact]
    public async Task Caches_that_listed_before_the_publisher_started_still_get_the_first_build_and_readiness()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var applier = new RecordingApplier();
        using var store = new ModelStore(applier, NullLogger<ModelStore>.Instance, TimeProvider.System, services.GetRequiredService<IMeterFactory>());
        var readiness = new ReadinessRegistry();
        readiness.Expect("services");
        var cache = new ResourceCache<V1Service>();
        cache.Replace([]);
        var builds = 0;
        var publisher = new SnapshotPublisher(
            new TestSource([cache], () => { builds++; return new SourceSnapshot("services", GatewayModel.Empty, []); }),
            store, readiness, TimeProvider.System, TimeSpan.Zero, NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = publisher.RunAsync(stop.Token);
        for (var waited = 0; !readiness.IsReady && waited < 5_000; waited += 10)
        {
            await Task.Delay(10);
        }

        Assert.True(readiness.IsReady, "the publisher never built from caches that had already listed");
        Assert.Equal(1, builds);
        Assert.Single(applier.Applied);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task The_first_build_does_not_wait_for_the_debounce_and_later_changes_do()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var store = new ModelStore(new RecordingApplier(), NullLogger<ModelStore>.Instance, TimeProvider.System, services.GetRequiredService<IMeterFactory>());
        var readiness = new ReadinessRegistry();
        readiness.Expect("services");
        var time = new RecordingTimeProvider();
        var cache = new ResourceCache<V1Service>();
        cache.Replace([]);
        var builds = 0;
        var publisher = new SnapshotPublisher(
            new TestSource([cache], () => { builds++; return new SourceSnapshot("services", GatewayModel.Empty, []); }),
            store, readiness, time, TimeSpan.FromMilliseconds(100), NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = publisher.RunAsync(stop.Token);
        await WaitUntil(() => readiness.IsReady);
        cache.Upsert(K8s.Service("llama"));
        // Advancing the clock before the publisher starts its debounce wait would skip past a timer not yet created.
        await WaitUntil(() => time.Delays.Length == 1);
        var beforeTheDebounce = builds;
        time.Advance(TimeSpan.FromMilliseconds(100));
        await WaitUntil(() => builds == 2);

        Assert.Equal(1, beforeTheDebounce);
        await stop.CancelAsync();
        await run;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var waited = 0; !condition() && waited < 5_000; waited += 10)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the publisher did not get there within 5 s");
    }

    private sealed class TestSource(IReadOnlyList<IResourceCache> caches, Func<SourceSnapshot> build) : IKubernetesSource
    {
        public string Name => "services";

        public int Precedence => 50;

        public IReadOnlyList<IResourceCache> Caches => caches;

        public SourceSnapshot Build() => build();
    }
}
