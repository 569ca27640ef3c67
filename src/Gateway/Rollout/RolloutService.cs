using Gateway.Model.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Rollout;

/// <summary>
/// Runs every route's rollout in this process: on each tick it reads the current model, starts the rollouts of new or
/// changed canaries, judges the running ones on their step's statistics, and puts the resulting share in the route's
/// slot, which the next request reads. Manual commands from the admin endpoints go through the same gate. With a
/// <see cref="IRolloutStateShare"/>, only the deciding replica judges and publishes; the others follow its states as
/// soon as they change, and a new decider resumes each rollout from the published state instead of starting it again.
/// With an <see cref="IRolloutStatisticsShare"/>, the others hand over their counts of each step and the decider judges
/// on the sum.
/// </summary>
internal sealed partial class RolloutService(
    ModelStore store,
    RolloutRegistry registry,
    RolloutMetrics metrics,
    IOptions<RolloutOptions> options,
    TimeProvider timeProvider,
    IEnumerable<IRolloutObserver> observers,
    ILogger<RolloutService> logger,
    IRolloutStateShare? share = null,
    IRolloutStatisticsShare? statistics = null) : BackgroundService
{
    private const string WaitingForLeader = "waiting for the leader to publish this rollout's state";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrackedRollout> _tracked = new(StringComparer.Ordinal);
    private bool _decided;

    /// <summary>Judges every rollout once; the background loop calls it each <see cref="RolloutOptions.TickInterval"/>.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            var deciding = share?.Decides ?? true;

            // A replica that starts deciding (elected, or started as leader) takes each rollout from the shared state.
            var tookOver = deciding && !_decided && share is not null;
            _decided = deciding;
            var changed = false;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var counted = new Dictionary<string, StepCounts>(StringComparer.Ordinal);
            foreach (var route in store.Status.Model.Routes)
            {
                if (route.Canary is not { Backend: { } canary, Rollout: { } policy })
                {
                    continue;
                }

                seen.Add(route.Name);
                if (!_tracked.TryGetValue(route.Name, out var tracked))
                {
                    _tracked[route.Name] = tracked = new TrackedRollout(route.Name, registry.SlotFor(route.Name));
                }

                tracked.Canary = canary;
                tracked.Policy = policy;
                tracked.Source = route.Source;
                var definition = RolloutDefinition.Of(canary, policy);
                var stored = share?.Shared.GetValueOrDefault(route.Name) is { } published && published.Definition == definition ? published : null;
                RolloutDecision decision;
                if (!deciding)
                {
                    decision = Follow(tracked.State, stored, definition, now);
                }
                else if (stored is not null && (tookOver || tracked.State is null))
                {
                    decision = new RolloutDecision(RolloutDecisionKind.Resumed, stored with { Message = $"resumed from the shared state at step {stored.StepIndex + 1} ({stored.Weight}%): {stored.Message}" }, []);
                }
                else if (tracked.State is { Message: not WaitingForLeader } state && state.Definition == definition)
                {
                    // Judged only when decided by a leader: the 0 % a follower held while waiting is no step, and a
                    // replica elected before any leader published this rollout starts it.
                    decision = RolloutEngine.Evaluate(state, policy, Sample(tracked, state), now);
                }
                else
                {
                    decision = RolloutEngine.Start(definition, policy, now);
                }

                changed |= decision.Kind != RolloutDecisionKind.Unchanged;
                Apply(tracked, decision, now);
                if (!deciding && stored is { Phase: RolloutPhase.Progressing } && tracked.State == stored)
                {
                    // Only steps the leader published: its own counts of them are what the leader can add up.
                    counted[route.Name] = new StepCounts(stored.Definition, stored.StepStartedAt, tracked.Slot.Canary.Snapshot().Minus(tracked.CanaryBaseline), tracked.Slot.Primary.Snapshot().Minus(tracked.PrimaryBaseline));
                }
            }

            foreach (var name in _tracked.Keys.Where(name => !seen.Contains(name)).ToList())
            {
                _tracked[name].Slot.Clear();
                _tracked.Remove(name);
                changed = true;
            }

            if (deciding && changed)
            {
                Publish();
            }

            if (!deciding)
            {
                statistics?.Publish(counted);
            }
        }
    }

    /// <summary>Applies a manual command to a route's rollout; null when the route has no rollout running.</summary>
    public RolloutDecision? Command(string route, RolloutCommand command)
    {
        lock (_gate)
        {
            if (!_tracked.TryGetValue(route, out var tracked) || tracked.State is not { } state)
            {
                return null;
            }

            var now = timeProvider.GetUtcNow();
            var decision = share is { Decides: false }
                ? new RolloutDecision(RolloutDecisionKind.Refused, state with { Message = $"cannot {command.ToString().ToLowerInvariant()}: this replica follows the rollout state the leader publishes; send the command to the leader's admin port" }, [])
                : RolloutEngine.Command(state, command, now);
            if (decision.Kind == RolloutDecisionKind.Refused)
            {
                LogRefused(logger, route, decision.State.Message);
                return decision;
            }

            Apply(tracked, decision, now);
            Publish();
            return decision with { State = tracked.State! };
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TickInterval, timeProvider);
        if (share is not null)
        {
            share.Changed += Tick;
        }

        try
        {
            do
            {
                Tick();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (share is not null)
            {
                share.Changed -= Tick;
            }
        }
    }

    /// <summary>
    /// A follower's step: the published state when it is about the same canary, else the canary held at 0 % until the
    /// leader publishes one (a follower never sends a canary traffic the leader has not decided).
    /// </summary>
    private static RolloutDecision Follow(RolloutState? current, RolloutState? stored, string definition, DateTimeOffset now)
    {
        if (stored is null)
        {
            return current is not null && current.Definition == definition && current.Message == WaitingForLeader
                ? RolloutDecision.Unchanged(current, [])
                : new RolloutDecision(RolloutDecisionKind.Held, new RolloutState(definition, RolloutPhase.Progressing, 0, 0, now, true, false, WaitingForLeader), []);
        }

        return current == stored
            ? RolloutDecision.Unchanged(stored, [])
            : new RolloutDecision(RolloutDecisionKind.Followed, stored, []);
    }

    private void Publish() =>
        share?.Publish(_tracked.Values.Where(t => t.State is not null).ToDictionary(t => t.Route, t => t.State!, StringComparer.Ordinal));

    /// <summary>This process's counts since the step began, plus the other replicas' counts of the same step when they pool them.</summary>
    private StepSample Sample(TrackedRollout tracked, RolloutState state)
    {
        var canary = tracked.Slot.Canary.Snapshot().Minus(tracked.CanaryBaseline);
        var primary = tracked.Slot.Primary.Snapshot().Minus(tracked.PrimaryBaseline);
        if (statistics is null)
        {
            return new StepSample(canary.Sample(), primary.Sample());
        }

        var others = statistics.Others(tracked.Route, state);
        return new StepSample(canary.Plus(others.Canary).Sample(), primary.Plus(others.Primary).Sample(), others.Replicas + 1);
    }

    private static string? Instruction(TrackedRollout tracked, RolloutPhase phase) => phase switch
    {
        RolloutPhase.Promoted => $"'{tracked.Canary}' takes all of the route's weighted traffic. To finish, make it the route's only backend (or give it all the weight) where the route is declared, then remove the rollout; the gateway never edits what you wrote, and keeps sending it everything until then.",
        RolloutPhase.RolledBack => $"'{tracked.Canary}' takes no weighted traffic (the override header or cookie still reaches it). Fix it and change the rollout's revision (Canary.Rollout.Revision or mlgateway.io/rollout-revision) to start a new rollout, or remove it from the route.",
        _ => null,
    };

    private void Apply(TrackedRollout tracked, RolloutDecision decision, DateTimeOffset now)
    {
        var previous = tracked.State;
        var state = decision.State;
        tracked.State = state;
        if (decision.Checks.Count > 0 || decision.Kind != RolloutDecisionKind.Unchanged)
        {
            tracked.LastChecks = decision.Checks;
        }

        if (state.StartsNewWindow(previous))
        {
            tracked.AppliedAt = now;
            tracked.CanaryBaseline = tracked.Slot.Canary.Snapshot();
            tracked.PrimaryBaseline = tracked.Slot.Primary.Snapshot();
        }

        if (decision.Kind != RolloutDecisionKind.Unchanged)
        {
            tracked.Remember($"{now:u} {state.Message}");
            metrics.Decided(tracked.Route, decision.Kind);
            if (decision.Kind == RolloutDecisionKind.RolledBack)
            {
                LogRolledBack(logger, tracked.Route, tracked.Canary, state.Message);
            }
            else
            {
                LogDecision(logger, tracked.Route, tracked.Canary, state.Message);
            }
        }

        var status = new RolloutStatus(tracked.Route, tracked.Canary, state, tracked.LastChecks, tracked.Policy.Steps, Instruction(tracked, state.Phase), tracked.History, tracked.AppliedAt);
        tracked.Slot.Apply(status);
        if (decision.Kind != RolloutDecisionKind.Unchanged)
        {
            foreach (var observer in observers)
            {
                observer.OnDecision(tracked.Source, status, decision.Kind);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout of route '{Route}', canary '{Canary}': {Decision}")]
    private static partial void LogDecision(ILogger logger, string route, string canary, string decision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout of route '{Route}', canary '{Canary}': {Decision}")]
    private static partial void LogRolledBack(ILogger logger, string route, string canary, string decision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout of route '{Route}': {Reason}")]
    private static partial void LogRefused(ILogger logger, string route, string reason);
}
