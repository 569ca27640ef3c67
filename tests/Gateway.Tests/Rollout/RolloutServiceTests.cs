using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Rollout;
using Gateway.Tests.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Rollout;

public sealed class RolloutServiceTests : IDisposable
{
    private static readonly RolloutPolicy Policy = new() { Steps = [10, 50, 100], Interval = TimeSpan.FromSeconds(10), MinRequests = 20, MaxErrorRate = 0.1 };

    private readonly FakeTimeProvider _time = new();
    private readonly ListLoggerProvider _logs = new();
    private readonly ServiceProvider _services;
    private readonly ModelStore _store;
    private readonly RolloutRegistry _registry = new();
    private readonly RolloutService _service;

    public RolloutServiceTests()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        var logs = new LoggerFactory([_logs]);
        _store = new ModelStore(new RecordingApplier(), logs.CreateLogger<ModelStore>(), _time, meters);
        _service = new RolloutService(_store, _registry, new RolloutMetrics(meters, _registry), Options.Create(new RolloutOptions()), _time, [], logs.CreateLogger<RolloutService>());
    }

    public void Dispose()
    {
        _store.Dispose();
        _services.Dispose();
    }

    private RolloutSlot Slot => _registry.Find("predict")!;

    private RolloutService ServiceWith(IRolloutStateShare share, RolloutRegistry registry, IRolloutStatisticsShare? statistics = null)
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        return new RolloutService(_store, registry, new RolloutMetrics(meters, registry), Options.Create(new RolloutOptions()), _time, [], new LoggerFactory([_logs]).CreateLogger<RolloutService>(), share, statistics);
    }

    private Task PublishAsync(RolloutPolicy? policy) => _store.PublishAsync(
        new SourceSnapshot(
            "test",
            new GatewayModel
            {
                Routes = [new RouteModel { Name = "predict", Matches = [new RouteMatch()], Backends = [new BackendRef("v1", 90), new BackendRef("v2", 10)], Canary = new CanaryPolicy { Backend = "v2", Rollout = policy } }],
                Backends = ImmutableDictionary<string, BackendModel>.Empty
                    .Add("v1", new BackendModel { Name = "v1", Endpoints = ["http://127.0.0.1:1"] })
                    .Add("v2", new BackendModel { Name = "v2", Endpoints = ["http://127.0.0.1:2"] }),
            },
            []),
        precedence: 0);

    private void Serve(int canary, int canaryErrors, int primary) => Serve(Slot, canary, canaryErrors, primary);

    private static void Serve(RolloutSlot slot, int canary, int canaryErrors, int primary)
    {
        var elapsed = Stopwatch.Frequency / 50;
        for (var i = 0; i < canary; i++)
        {
            slot.Record(true, i < canaryErrors ? RequestOutcome.ServerError : RequestOutcome.Success, elapsed);
        }

        for (var i = 0; i < primary; i++)
        {
            slot.Record(false, RequestOutcome.Success, elapsed);
        }
    }

    [Fact]
    public async Task A_healthy_canary_steps_through_every_step_on_the_statistics_of_each_step_alone()
    {
        await PublishAsync(Policy);
        _service.Tick();
        Assert.Equal(10, Slot.CanaryWeight);

        Serve(canary: 30, canaryErrors: 0, primary: 270);
        _time.Advance(Policy.Interval);
        _service.Tick();
        Assert.Equal(50, Slot.CanaryWeight);

        // The first step's 30 requests do not count for the second: it holds until it has its own.
        _time.Advance(Policy.Interval);
        _service.Tick();
        Assert.Equal(50, Slot.CanaryWeight);
        Assert.True(Slot.Status!.State.Holding);

        Serve(canary: 25, canaryErrors: 0, primary: 25);
        _service.Tick();
        Assert.Equal(100, Slot.CanaryWeight);
        Assert.Equal(RolloutPhase.Promoted, Slot.Status!.State.Phase);
        Assert.Contains("make it the route's only backend", Slot.Status.Instruction);
        Assert.Contains(_logs.Messages, m => m.Contains("Rollout of route 'predict', canary 'v2': promoted after step 2 (50%) passed with 25 requests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_breach_rolls_back_at_the_next_tick_and_stays_until_the_revision_changes()
    {
        await PublishAsync(Policy);
        _service.Tick();
        Serve(canary: 20, canaryErrors: 5, primary: 180);
        _time.Advance(TimeSpan.FromSeconds(1));
        _service.Tick();

        Assert.Equal(0, Slot.CanaryWeight);
        Assert.Equal(RolloutPhase.RolledBack, Slot.Status!.State.Phase);
        Assert.Contains(_logs.Messages, m => m.Contains("rolled back at step 1 (10%): error rate 25% (5 of 20) against at most 10%", StringComparison.Ordinal));

        await PublishAsync(Policy with { MaxErrorRate = 0.5 });
        _time.Advance(Policy.Interval);
        _service.Tick();
        Assert.Equal(0, Slot.CanaryWeight);

        await PublishAsync(Policy with { Revision = "v2.1" });
        _service.Tick();
        Assert.Equal(10, Slot.CanaryWeight);
        Assert.Equal(RolloutPhase.Progressing, Slot.Status!.State.Phase);
    }

    [Fact]
    public async Task Commands_pause_resume_abort_and_promote_and_a_route_without_rollout_is_unknown()
    {
        await PublishAsync(Policy);
        _service.Tick();

        Assert.Equal(RolloutDecisionKind.Paused, _service.Command("predict", RolloutCommand.Pause)!.Kind);
        Assert.Equal(RolloutPhase.Paused, Slot.Status!.State.Phase);
        Assert.Equal(RolloutDecisionKind.Resumed, _service.Command("predict", RolloutCommand.Resume)!.Kind);
        Assert.Equal(RolloutDecisionKind.Promoted, _service.Command("predict", RolloutCommand.Promote)!.Kind);
        Assert.Equal(100, Slot.CanaryWeight);
        Assert.Equal(RolloutDecisionKind.Refused, _service.Command("predict", RolloutCommand.Resume)!.Kind);
        Assert.Equal(RolloutPhase.Promoted, Slot.Status!.State.Phase);
        Assert.Equal(RolloutDecisionKind.RolledBack, _service.Command("predict", RolloutCommand.Abort)!.Kind);
        Assert.Equal(0, Slot.CanaryWeight);
        Assert.Null(_service.Command("other", RolloutCommand.Pause));
    }

    [Fact]
    public async Task Removing_the_rollout_clears_its_status_and_adding_it_again_starts_afresh()
    {
        await PublishAsync(Policy);
        _service.Tick();
        _service.Command("predict", RolloutCommand.Promote);

        await PublishAsync(null);
        _service.Tick();
        Assert.Null(Slot.Status);
        Assert.Null(_service.Command("predict", RolloutCommand.Pause));

        await PublishAsync(Policy);
        _service.Tick();
        Assert.Equal(10, Slot.CanaryWeight);
    }

    [Fact]
    public async Task A_follower_holds_the_canary_at_0_until_the_leader_publishes_then_follows_it_and_refuses_commands()
    {
        await PublishAsync(Policy);
        var share = new SharedStates();
        var followerSlots = new RolloutRegistry();
        var follower = ServiceWith(share, followerSlots);
        var leader = ServiceWith(share, _registry);

        follower.Tick();
        Assert.Equal(0, followerSlots.Find("predict")!.CanaryWeight);

        share.Decides = true;
        leader.Tick();
        share.Decides = false;
        follower.Tick();
        Assert.Equal(10, followerSlots.Find("predict")!.CanaryWeight);

        share.Decides = true;
        leader.Command("predict", RolloutCommand.Promote);
        share.Decides = false;
        follower.Tick();
        Assert.Equal(100, followerSlots.Find("predict")!.CanaryWeight);
        Assert.Equal(RolloutPhase.Promoted, followerSlots.Find("predict")!.Status!.State.Phase);
        Assert.Contains("follows the rollout state the leader publishes", follower.Command("predict", RolloutCommand.Abort)!.State.Message);
    }

    [Fact]
    public async Task A_replica_elected_before_any_state_was_published_starts_the_rollout_it_held_at_0()
    {
        await PublishAsync(Policy);
        var share = new SharedStates();
        var service = ServiceWith(share, _registry);
        service.Tick();
        Assert.Equal(0, Slot.CanaryWeight);

        share.Decides = true;
        service.Tick();

        Assert.Equal(10, Slot.CanaryWeight);
        Assert.Equal("started at step 1 of 3 (10%)", Slot.Status!.State.Message);
        Assert.Equal(10, share.Shared["predict"].Weight);
    }

    [Fact]
    public async Task A_replica_that_starts_deciding_resumes_each_rollout_from_the_shared_state()
    {
        await PublishAsync(Policy);
        var stored = new RolloutState(RolloutDefinition.Of("v2", Policy), RolloutPhase.Progressing, 1, 50, _time.GetUtcNow(), false, false, "stepped to 50%");
        var share = new SharedStates { Decides = true, Shared = new Dictionary<string, RolloutState> { ["predict"] = stored } };
        var service = ServiceWith(share, _registry);

        service.Tick();

        Assert.Equal(50, Slot.CanaryWeight);
        Assert.StartsWith("resumed from the shared state at step 2 (50%)", Slot.Status!.State.Message);
        Assert.Equal(50, share.Shared["predict"].Weight);

        // A shared state of another revision is not this rollout's: a new one starts.
        await PublishAsync(Policy with { Revision = "v3" });
        service.Tick();
        Assert.Equal(10, Slot.CanaryWeight);
    }

    [Fact]
    public async Task The_leader_rolls_back_on_errors_only_a_follower_saw_and_says_how_many_replicas_counted()
    {
        await PublishAsync(Policy);
        var share = new SharedStates();
        var statistics = new SharedStatistics(_time);
        var followerSlots = new RolloutRegistry();
        var follower = ServiceWith(share, followerSlots, statistics);
        var leader = ServiceWith(share, _registry, statistics);
        share.Decides = true;
        leader.Tick();
        share.Decides = false;
        follower.Tick();

        // Alone, the leader has too few canary requests and no error; the follower's failures decide.
        Serve(canary: 15, canaryErrors: 0, primary: 135);
        Serve(followerSlots.Find("predict")!, canary: 10, canaryErrors: 10, primary: 90);
        _time.Advance(TimeSpan.FromSeconds(1));
        follower.Tick();
        statistics.Deliver("follower");
        share.Decides = true;
        leader.Tick();

        Assert.Equal(0, Slot.CanaryWeight);
        Assert.Equal(RolloutPhase.RolledBack, Slot.Status!.State.Phase);
        Assert.Equal("rolled back at step 1 (10%): error rate 40% (10 of 25) against at most 10%; counted on 2 replicas", Slot.Status.State.Message);
        share.Decides = false;
        follower.Tick();
        Assert.Equal(0, followerSlots.Find("predict")!.CanaryWeight);
    }

    [Fact]
    public async Task A_follower_publishes_its_counts_of_the_leaders_step_only_and_starts_afresh_at_the_next()
    {
        await PublishAsync(Policy);
        var share = new SharedStates();
        var statistics = new SharedStatistics(_time);
        var followerSlots = new RolloutRegistry();
        var follower = ServiceWith(share, followerSlots, statistics);
        var leader = ServiceWith(share, _registry, statistics);

        // Waiting for the leader, the follower's canary is at 0 % and it counts nothing a leader could add.
        follower.Tick();
        Assert.Empty(statistics.Published);

        share.Decides = true;
        leader.Tick();
        var first = _registry.Find("predict")!.Status!.State;
        share.Decides = false;
        follower.Tick();
        Serve(followerSlots.Find("predict")!, canary: 30, canaryErrors: 0, primary: 270);
        _time.Advance(Policy.Interval);
        follower.Tick();
        var counts = statistics.Published["predict"];
        Assert.True(counts.IsOf(first));
        Assert.Equal(30, counts.Canary.Requests);
        Assert.Equal(270, counts.Primary.Requests);

        statistics.Deliver("follower");
        share.Decides = true;
        leader.Tick();
        Assert.Equal(50, Slot.CanaryWeight);
        Assert.Contains("after 10% passed with 30 requests: error rate 0% (0 of 30) against at most 10%; counted on 2 replicas", Slot.Status!.State.Message);

        // The follower's last counts, still live, are of the first step: the leader does not count them for the second.
        _time.Advance(Policy.Interval);
        statistics.Deliver("follower");
        leader.Tick();
        Assert.Equal("holding at step 2 (50%): 0 canary requests of the 20 a step needs; counted on 1 replica", Slot.Status!.State.Message);

        share.Decides = false;
        follower.Tick();
        counts = statistics.Published["predict"];
        Assert.True(counts.IsOf(_registry.Find("predict")!.Status!.State));
        Assert.Equal(0, counts.Canary.Requests);
        Assert.Equal(_time.GetUtcNow(), followerSlots.Find("predict")!.Status!.AppliedAt);
    }
}
