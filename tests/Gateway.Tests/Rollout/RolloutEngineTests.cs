using Gateway.Model;
using Gateway.Rollout;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Rollout;

public sealed class RolloutEngineTests
{
    private static readonly RolloutPolicy Policy = new()
    {
        Steps = [1, 5, 10, 25, 50, 100],
        Interval = TimeSpan.FromSeconds(30),
        MinRequests = 100,
        MaxErrorRate = 0.05,
        MaxErrorRateRatio = 3,
        MaxP99Latency = TimeSpan.FromMilliseconds(500),
        MaxP99LatencyRatio = 2,
    };

    private readonly FakeTimeProvider _time = new();

    private static VariantSample Healthy(long requests, double p99Ms = 100) => new(requests, 0, 0, 0, TimeSpan.FromMilliseconds(p99Ms));

    private static StepSample Sample(VariantSample canary, VariantSample? primary = null) => new(canary, primary ?? Healthy(10_000));

    private RolloutState Started(RolloutPolicy? policy = null) => RolloutEngine.Start("v2||1,5", policy ?? Policy, _time.GetUtcNow()).State;

    private RolloutDecision Evaluate(RolloutState state, StepSample sample, RolloutPolicy? policy = null) =>
        RolloutEngine.Evaluate(state, policy ?? Policy, sample, _time.GetUtcNow());

    [Fact]
    public void A_rollout_starts_at_its_first_step()
    {
        var decision = RolloutEngine.Start("d", Policy, _time.GetUtcNow());

        Assert.Equal(RolloutDecisionKind.Started, decision.Kind);
        Assert.Equal(RolloutPhase.Progressing, decision.State.Phase);
        Assert.Equal(1, decision.State.Weight);
    }

    [Fact]
    public void A_healthy_step_advances_only_once_its_interval_is_over()
    {
        var state = Started();
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(RolloutDecisionKind.Unchanged, Evaluate(state, Sample(Healthy(500))).Kind);

        _time.Advance(TimeSpan.FromSeconds(1));
        var decision = Evaluate(state, Sample(Healthy(500)));

        Assert.Equal(RolloutDecisionKind.Stepped, decision.Kind);
        Assert.Equal(5, decision.State.Weight);
        Assert.Equal(1, decision.State.StepIndex);
        Assert.Equal(_time.GetUtcNow(), decision.State.StepStartedAt);
        Assert.True(decision.State.StartsNewWindow(state));
        Assert.Contains("stepped to 5% (step 2 of 6) after 1% passed with 500 requests: error rate 0% (0 of 500)", decision.State.Message);
    }

    [Fact]
    public void A_step_with_too_few_canary_requests_holds_and_says_so_once()
    {
        var state = Started();
        _time.Advance(TimeSpan.FromSeconds(31));

        var held = Evaluate(state, Sample(Healthy(40)));
        Assert.Equal(RolloutDecisionKind.Held, held.Kind);
        Assert.Equal(1, held.State.Weight);
        Assert.Contains("holding at step 1 (1%): 40 canary requests of the 100 a step needs", held.State.Message);
        Assert.Equal(RolloutDecisionKind.Unchanged, Evaluate(held.State, Sample(Healthy(60))).Kind);

        var stepped = Evaluate(held.State, Sample(Healthy(100)));
        Assert.Equal(RolloutDecisionKind.Stepped, stepped.Kind);
        Assert.False(stepped.State.Holding);
    }

    [Fact]
    public void An_error_rate_over_the_bound_rolls_back_at_once_without_waiting_for_the_interval()
    {
        var state = Started();
        _time.Advance(TimeSpan.FromSeconds(2));

        var decision = Evaluate(state, Sample(new VariantSample(120, 4, 2, 1, TimeSpan.FromMilliseconds(100)), new VariantSample(10_000, 300, 0, 0, TimeSpan.FromMilliseconds(100))));

        Assert.Equal(RolloutDecisionKind.RolledBack, decision.Kind);
        Assert.Equal(RolloutPhase.RolledBack, decision.State.Phase);
        Assert.Equal(0, decision.State.Weight);
        Assert.Equal("rolled back at step 1 (1%): error rate 5.83% (7 of 120) against at most 5%", decision.State.Message);
    }

    [Fact]
    public void An_error_rate_over_the_ratio_to_the_primary_rolls_back()
    {
        var state = Started();

        var decision = Evaluate(state, Sample(new VariantSample(200, 8, 0, 0, TimeSpan.FromMilliseconds(100)), new VariantSample(10_000, 100, 0, 0, TimeSpan.FromMilliseconds(100))));

        Assert.Equal(RolloutDecisionKind.RolledBack, decision.Kind);
        Assert.Contains("error rate 4% is 4x the primary's 1% (100 of 10000), against at most 3x", decision.State.Message);
    }

    [Fact]
    public void A_canary_as_bad_as_its_primary_passes_the_ratio()
    {
        var policy = Policy with { MaxErrorRate = null };
        var state = Started(policy);
        _time.Advance(policy.Interval);

        var decision = Evaluate(state, Sample(new VariantSample(200, 6, 0, 0, TimeSpan.FromMilliseconds(100)), new VariantSample(10_000, 300, 0, 0, TimeSpan.FromMilliseconds(100))), policy);

        Assert.Equal(RolloutDecisionKind.Stepped, decision.Kind);
    }

    [Fact]
    public void A_primary_without_errors_counts_as_one_error_so_a_single_canary_error_is_not_an_infinite_ratio()
    {
        var policy = Policy with { MaxErrorRate = null };
        var state = Started(policy);
        _time.Advance(policy.Interval);

        var decision = Evaluate(state, Sample(new VariantSample(1000, 1, 0, 0, TimeSpan.FromMilliseconds(100)), Healthy(1000)), policy);

        Assert.Equal(RolloutDecisionKind.Stepped, decision.Kind);
    }

    [Theory]
    [InlineData(600, 100, "p99 latency 600ms against at most 500ms")]
    [InlineData(450, 200, "p99 latency 450ms is 2.25x the primary's 200ms, against at most 2x")]
    public void A_slow_canary_rolls_back_on_the_absolute_and_the_ratio_bound(double canaryMs, double primaryMs, string expected)
    {
        var decision = Evaluate(Started(), Sample(Healthy(150, canaryMs), Healthy(10_000, primaryMs)));

        Assert.Equal(RolloutDecisionKind.RolledBack, decision.Kind);
        Assert.Contains(expected, decision.State.Message);
        Assert.Contains(decision.Checks, c => !c.Passed);
    }

    [Fact]
    public void Below_the_minimum_a_few_errors_do_not_roll_back_but_more_than_the_minimum_sample_allows_do()
    {
        var state = Started();

        Assert.Equal(RolloutDecisionKind.Unchanged, Evaluate(state, Sample(new VariantSample(10, 3, 0, 0, TimeSpan.FromSeconds(5)))).Kind);

        // 6 errors exceed 5% of the 100 requests a step needs, whatever the next requests do.
        var decision = Evaluate(state, Sample(new VariantSample(12, 0, 6, 0, TimeSpan.FromMilliseconds(100))));
        Assert.Equal(RolloutDecisionKind.RolledBack, decision.Kind);
        Assert.Contains("error rate 50% (6 of 12)", decision.State.Message);
    }

    [Fact]
    public void Passing_every_step_promotes_at_100_percent()
    {
        var state = Started();
        var weights = new List<int>();
        RolloutDecision decision;
        do
        {
            _time.Advance(Policy.Interval);
            decision = Evaluate(state, Sample(Healthy(1000)));
            state = decision.State;
            weights.Add(state.Weight);
        }
        while (decision.Kind == RolloutDecisionKind.Stepped);

        Assert.Equal([5, 10, 25, 50, 100], weights);
        Assert.Equal(RolloutDecisionKind.Promoted, decision.Kind);
        Assert.Equal(RolloutPhase.Promoted, state.Phase);
        Assert.StartsWith("promoted after step 5 (50%) passed with 1000 requests", state.Message);

        _time.Advance(Policy.Interval);
        Assert.Equal(RolloutDecisionKind.Unchanged, Evaluate(state, Sample(new VariantSample(1000, 1000, 0, 0, null))).Kind);
    }

    [Fact]
    public void Steps_that_stop_short_of_100_promote_after_the_last_one()
    {
        var policy = Policy with { Steps = [20] };
        var state = Started(policy);
        _time.Advance(policy.Interval);

        var decision = Evaluate(state, Sample(Healthy(1000)), policy);

        Assert.Equal(RolloutDecisionKind.Promoted, decision.Kind);
        Assert.Equal(100, decision.State.Weight);
    }

    [Fact]
    public void A_paused_rollout_neither_advances_nor_rolls_back_and_resumes_with_a_new_window()
    {
        var paused = RolloutEngine.Command(Started(), RolloutCommand.Pause, _time.GetUtcNow());
        Assert.Equal(RolloutDecisionKind.Paused, paused.Kind);
        Assert.Equal(1, paused.State.Weight);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(RolloutDecisionKind.Unchanged, Evaluate(paused.State, Sample(Healthy(1000))).Kind);
        Assert.Equal(RolloutDecisionKind.Unchanged, Evaluate(paused.State, Sample(new VariantSample(1000, 1000, 0, 0, null))).Kind);

        var resumed = RolloutEngine.Command(paused.State, RolloutCommand.Resume, _time.GetUtcNow());
        Assert.Equal(RolloutDecisionKind.Resumed, resumed.Kind);
        Assert.Equal(RolloutPhase.Progressing, resumed.State.Phase);
        Assert.True(resumed.State.StartsNewWindow(paused.State));
        Assert.Equal(RolloutDecisionKind.Unchanged, Evaluate(resumed.State, Sample(Healthy(1000))).Kind);
    }

    [Fact]
    public void Abort_and_promote_by_hand_are_final_and_resume_is_refused_with_the_reason()
    {
        var aborted = RolloutEngine.Command(Started(), RolloutCommand.Abort, _time.GetUtcNow());
        Assert.Equal(RolloutDecisionKind.RolledBack, aborted.Kind);
        Assert.Equal(0, aborted.State.Weight);

        var refused = RolloutEngine.Command(aborted.State, RolloutCommand.Resume, _time.GetUtcNow());
        Assert.Equal(RolloutDecisionKind.Refused, refused.Kind);
        Assert.Equal("cannot resume: the rollout is rolled back; it stays so until the canary's revision, steps or backend change", refused.State.Message);

        var promoted = RolloutEngine.Command(aborted.State, RolloutCommand.Promote, _time.GetUtcNow());
        Assert.Equal(RolloutDecisionKind.Promoted, promoted.Kind);
        Assert.Equal(100, promoted.State.Weight);
        Assert.Equal(RolloutDecisionKind.Refused, RolloutEngine.Command(promoted.State, RolloutCommand.Pause, _time.GetUtcNow()).Kind);
    }

    [Fact]
    public void The_pause_control_holds_while_set_and_resumes_when_removed_but_a_pause_by_hand_does_not()
    {
        var paused = Evaluate(Started(), Sample(Healthy(1000)), Policy with { Control = RolloutControl.Pause });
        Assert.Equal(RolloutDecisionKind.Paused, paused.Kind);
        Assert.True(paused.State.PausedByControl);

        var resumed = Evaluate(paused.State, Sample(Healthy(1000)));
        Assert.Equal(RolloutDecisionKind.Resumed, resumed.Kind);
        Assert.StartsWith("resumed: the rollout control was removed", resumed.State.Message);

        var byHand = RolloutEngine.Command(Started(), RolloutCommand.Pause, _time.GetUtcNow());
        Assert.Equal(RolloutDecisionKind.Unchanged, Evaluate(byHand.State, Sample(Healthy(1000))).Kind);
    }

    [Theory]
    [InlineData("Abort", "RolledBack", 0)]
    [InlineData("Promote", "Promoted", 100)]
    public void Abort_and_promote_controls_apply_from_the_start_and_stay_when_removed(string control, string phase, int weight)
    {
        var decision = RolloutEngine.Start("d", Policy with { Control = Enum.Parse<RolloutControl>(control) }, _time.GetUtcNow());
        Assert.Equal(Enum.Parse<RolloutPhase>(phase), decision.State.Phase);
        Assert.Equal(weight, decision.State.Weight);

        _time.Advance(Policy.Interval);
        Assert.Equal(RolloutDecisionKind.Unchanged, Evaluate(decision.State, Sample(Healthy(1000))).Kind);
    }

    [Fact]
    public void The_definition_changes_with_the_revision_steps_or_canary_but_not_with_the_bounds()
    {
        var definition = RolloutDefinition.Of("v2", Policy);

        Assert.Equal(definition, RolloutDefinition.Of("v2", Policy with { MaxErrorRate = 0.5, Interval = TimeSpan.FromHours(1), Control = RolloutControl.Pause }));
        Assert.NotEqual(definition, RolloutDefinition.Of("v2", Policy with { Revision = "2.1" }));
        Assert.NotEqual(definition, RolloutDefinition.Of("v2", Policy with { Steps = [10, 100] }));
        Assert.NotEqual(definition, RolloutDefinition.Of("v3", Policy));
    }
}
