using System.Globalization;
using Gateway.Model;

namespace Gateway.Rollout;

/// <summary>
/// The decisions of a rollout, as pure functions of its policy, its state, the step's statistics and the time: advance a
/// step when every check passes at the end of the interval, hold while the canary has too few requests, roll back at
/// once on a breach, promote after the last step. Manual commands and the policy's control are applied here too.
/// </summary>
internal static class RolloutEngine
{
    /// <summary>The first step of a rollout of <paramref name="definition"/> (a new one, or one whose canary changed).</summary>
    public static RolloutDecision Start(string definition, RolloutPolicy policy, DateTimeOffset now)
    {
        var first = policy.Steps[0];
        var state = first >= 100
            ? new RolloutState(definition, RolloutPhase.Promoted, 0, 100, now, false, false, "promoted: the only step is 100%")
            : new RolloutState(definition, RolloutPhase.Progressing, 0, first, now, false, false, $"started at step 1 of {policy.Steps.Length} ({first}%)");
        var decision = new RolloutDecision(state.Phase == RolloutPhase.Promoted ? RolloutDecisionKind.Promoted : RolloutDecisionKind.Started, state, []);
        var controlled = Control(decision.State, policy, now);
        return controlled.Kind == RolloutDecisionKind.Unchanged ? decision : controlled;
    }

    /// <summary>
    /// Judges the current step on <paramref name="sample"/> (the statistics since <see cref="RolloutState.StepStartedAt"/>).
    /// Called on every tick: a breach rolls back as soon as it is seen, while advancing waits for the interval's end.
    /// </summary>
    public static RolloutDecision Evaluate(RolloutState state, RolloutPolicy policy, StepSample sample, DateTimeOffset now)
    {
        var controlled = Control(state, policy, now);
        if (controlled.Kind != RolloutDecisionKind.Unchanged || state.Phase != RolloutPhase.Progressing)
        {
            return controlled;
        }

        var checks = RolloutChecks.Run(policy, sample);
        var enough = sample.Canary.Requests >= policy.MinRequests;
        RolloutCheck? breach = null;
        foreach (var check in checks)
        {
            // Below the minimum only a breach more requests could not undo counts: more errors than the bound allows in
            // the minimum sample. Noise in a few requests never rolls back.
            var counts = enough || (check.Name == RolloutChecks.ErrorRate && sample.Canary.Errors > check.Bound * policy.MinRequests);
            if (!check.Passed && counts)
            {
                breach = check;
                break;
            }
        }

        if (breach is not null)
        {
            var message = $"rolled back at step {state.StepIndex + 1} ({state.Weight}%): {breach.Text}{Counted(sample)}";
            return new RolloutDecision(RolloutDecisionKind.RolledBack, state with { Phase = RolloutPhase.RolledBack, Weight = 0, StepStartedAt = now, Holding = false, Message = message }, checks);
        }

        if (now - state.StepStartedAt < policy.Interval)
        {
            return RolloutDecision.Unchanged(state, checks);
        }

        if (!enough)
        {
            if (state.Holding)
            {
                return RolloutDecision.Unchanged(state, checks);
            }

            var message = $"holding at step {state.StepIndex + 1} ({state.Weight}%): {sample.Canary.Requests} canary requests of the {policy.MinRequests} a step needs{Counted(sample)}";
            return new RolloutDecision(RolloutDecisionKind.Held, state with { Holding = true, Message = message }, checks);
        }

        var passed = checks.Count == 0 ? "no checks configured" : string.Join("; ", checks.Select(c => c.Text));
        var next = state.StepIndex + 1;
        if (next >= policy.Steps.Length || policy.Steps[next] >= 100)
        {
            var message = $"promoted after step {state.StepIndex + 1} ({state.Weight}%) passed with {sample.Canary.Requests} requests: {passed}{Counted(sample)}";
            return new RolloutDecision(RolloutDecisionKind.Promoted, state with { Phase = RolloutPhase.Promoted, StepIndex = Math.Min(next, policy.Steps.Length - 1), Weight = 100, StepStartedAt = now, Holding = false, Message = message }, checks);
        }

        var stepped = $"stepped to {policy.Steps[next]}% (step {next + 1} of {policy.Steps.Length}) after {state.Weight}% passed with {sample.Canary.Requests} requests: {passed}{Counted(sample)}";
        return new RolloutDecision(RolloutDecisionKind.Stepped, state with { StepIndex = next, Weight = policy.Steps[next], StepStartedAt = now, Holding = false, Message = stepped }, checks);
    }

    /// <summary>A manual instruction; one that does not apply in the current phase is <see cref="RolloutDecisionKind.Refused"/> with the reason.</summary>
    public static RolloutDecision Command(RolloutState state, RolloutCommand command, DateTimeOffset now)
    {
        switch (command)
        {
            case RolloutCommand.Pause when state.Phase == RolloutPhase.Progressing:
                return new RolloutDecision(RolloutDecisionKind.Paused, state with { Phase = RolloutPhase.Paused, StepStartedAt = now, Holding = false, Message = $"paused by hand at step {state.StepIndex + 1} ({state.Weight}%)" }, []);
            case RolloutCommand.Resume when state.Phase == RolloutPhase.Paused:
                return new RolloutDecision(RolloutDecisionKind.Resumed, state with { Phase = RolloutPhase.Progressing, StepStartedAt = now, PausedByControl = false, Message = $"resumed by hand at step {state.StepIndex + 1} ({state.Weight}%)" }, []);
            case RolloutCommand.Abort when state.Phase != RolloutPhase.RolledBack:
                return new RolloutDecision(RolloutDecisionKind.RolledBack, state with { Phase = RolloutPhase.RolledBack, Weight = 0, StepStartedAt = now, Holding = false, Message = $"aborted by hand at {state.Weight}%" }, []);
            case RolloutCommand.Promote when state.Phase != RolloutPhase.Promoted:
                return new RolloutDecision(RolloutDecisionKind.Promoted, state with { Phase = RolloutPhase.Promoted, Weight = 100, StepStartedAt = now, Holding = false, Message = $"promoted by hand from {state.Weight}%" }, []);
            default:
                var why = state.Phase is RolloutPhase.Promoted or RolloutPhase.RolledBack
                    ? $"the rollout is {Describe(state.Phase)}; it stays so until the canary's revision, steps or backend change"
                    : $"the rollout is {Describe(state.Phase)}";
                return new RolloutDecision(RolloutDecisionKind.Refused, state with { Message = $"cannot {command.ToString().ToLowerInvariant()}: {why}" }, []);
        }
    }

    /// <summary>The phase as users read it: progressing, paused, promoted, rolled back.</summary>
    public static string Describe(RolloutPhase phase) => phase switch
    {
        RolloutPhase.RolledBack => "rolled back",
        _ => phase.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    /// <summary>Where the numbers of a decision come from, when replicas pool their counts.</summary>
    private static string Counted(StepSample sample) => sample.Replicas switch
    {
        0 => "",
        1 => "; counted on 1 replica",
        var replicas => $"; counted on {replicas} replicas",
    };

    /// <summary>The policy's control: pause holds while it is set, abort and promote are final for this definition.</summary>
    private static RolloutDecision Control(RolloutState state, RolloutPolicy policy, DateTimeOffset now)
    {
        switch (policy.Control)
        {
            case RolloutControl.Pause when state.Phase == RolloutPhase.Progressing:
                var paused = Command(state, RolloutCommand.Pause, now);
                return paused with { State = paused.State with { PausedByControl = true, Message = $"paused by the rollout control at step {state.StepIndex + 1} ({state.Weight}%)" } };
            case RolloutControl.None when state is { Phase: RolloutPhase.Paused, PausedByControl: true }:
                var resumed = Command(state, RolloutCommand.Resume, now);
                return resumed with { State = resumed.State with { Message = $"resumed: the rollout control was removed, at step {state.StepIndex + 1} ({state.Weight}%)" } };
            case RolloutControl.Abort when state.Phase != RolloutPhase.RolledBack:
                var aborted = Command(state, RolloutCommand.Abort, now);
                return aborted with { State = aborted.State with { Message = $"aborted by the rollout control at {state.Weight}%" } };
            case RolloutControl.Promote when state.Phase != RolloutPhase.Promoted:
                var promoted = Command(state, RolloutCommand.Promote, now);
                return promoted with { State = promoted.State with { Message = $"promoted by the rollout control from {state.Weight}%" } };
            default:
                return RolloutDecision.Unchanged(state, []);
        }
    }
}
