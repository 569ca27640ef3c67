using System.Diagnostics;
using System.Text.Json;
using Gateway.Model;
using Gateway.Rollout;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Rollout;

public sealed class StatisticsPoolTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new();
    private readonly RolloutState _step;

    public StatisticsPoolTests() =>
        _step = new RolloutState("v2||10,50,100", RolloutPhase.Progressing, 0, 10, _time.GetUtcNow(), false, false, "started at step 1 of 3 (10%)");

    private static VariantCounts Counts(int requests, int errors, double milliseconds)
    {
        var counters = new VariantCounters();
        for (var i = 0; i < requests; i++)
        {
            counters.Record(i < errors ? RequestOutcome.ServerError : RequestOutcome.Success, (long)(milliseconds * Stopwatch.Frequency / 1000));
        }

        return counters.Snapshot();
    }

    private static ReplicaStatistics Statistics(string replica, RolloutState step, VariantCounts canary, TimeSpan? interval = null) =>
        new(replica, interval ?? Interval, new Dictionary<string, StepCounts> { ["predict"] = new(step.Definition, step.StepStartedAt, canary, Counts(100, 0, 5)) });

    [Fact]
    public void The_live_replicas_counts_of_the_step_are_summed_with_their_histograms()
    {
        var pool = new StatisticsPool(_time);
        pool.Received("a", Statistics("a", _step, Counts(99, 3, 5)));
        pool.Received("b", Statistics("b", _step, Counts(1, 1, 900)));

        var pooled = pool.Others("predict", _step);

        Assert.Equal(2, pooled.Replicas);
        Assert.Equal(new VariantSample(100, 4, 0, 0, TimeSpan.FromMilliseconds(5)), pooled.Canary.Sample());
        Assert.Equal(200, pooled.Primary.Requests);

        // One more slow request tips the summed histogram's 99th percentile into the slow bucket: neither replica alone shows it.
        pool.Received("b", Statistics("b", _step, Counts(2, 1, 900)));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), pool.Others("predict", _step).Canary.Sample().P99);
    }

    [Fact]
    public void Counts_of_another_step_or_definition_or_route_are_left_out()
    {
        var pool = new StatisticsPool(_time);
        var next = _step with { StepIndex = 1, Weight = 50, StepStartedAt = _step.StepStartedAt.AddMinutes(1) };
        pool.Received("behind", Statistics("behind", _step, Counts(50, 50, 5)));
        pool.Received("current", Statistics("current", next, Counts(10, 0, 5)));
        pool.Received("revised", Statistics("revised", next with { Definition = "v2|r2|10,50,100" }, Counts(10, 10, 5)));

        var pooled = pool.Others("predict", next);

        Assert.Equal(1, pooled.Replicas);
        Assert.Equal(10, pooled.Canary.Requests);
        Assert.Equal(0, pooled.Canary.ServerErrors);
        Assert.Equal(PooledCounts.None, pool.Others("other-route", next));
    }

    [Fact]
    public void A_replica_silent_for_three_of_its_intervals_drops_out_until_it_publishes_again()
    {
        var pool = new StatisticsPool(_time);
        pool.Received("slow", Statistics("slow", _step, Counts(10, 0, 5), TimeSpan.FromSeconds(10)));
        pool.Received("fast", Statistics("fast", _step, Counts(20, 0, 5)));

        _time.Advance(Interval * StatisticsPool.MissedIntervals);
        Assert.Equal(30, pool.Others("predict", _step).Canary.Requests);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var pooled = pool.Others("predict", _step);
        Assert.Equal(1, pooled.Replicas);
        Assert.Equal(10, pooled.Canary.Requests);

        pool.Received("fast", Statistics("fast", _step, Counts(25, 0, 5)));
        Assert.Equal(35, pool.Others("predict", _step).Canary.Requests);
    }

    [Fact]
    public void A_list_replaces_every_replica_and_a_deleted_one_leaves_the_sum()
    {
        var pool = new StatisticsPool(_time);
        pool.Received("gone", Statistics("gone", _step, Counts(10, 0, 5)));
        pool.Replace([new("a", Statistics("a", _step, Counts(1, 0, 5))), new("b", Statistics("b", _step, Counts(2, 0, 5)))]);
        Assert.Equal(3, pool.Others("predict", _step).Canary.Requests);

        pool.Removed("a");
        Assert.Equal(2, pool.Others("predict", _step).Canary.Requests);

        pool.Clear();
        Assert.Equal(PooledCounts.None, pool.Others("predict", _step));
    }

    [Fact]
    public void Published_statistics_read_back_as_the_same_step_and_a_foreign_histogram_is_refused()
    {
        var published = Statistics("a", _step, Counts(10, 2, 5));

        var read = JsonSerializer.Deserialize<ReplicaStatistics>(JsonSerializer.Serialize(published, ModelJson.Options), ModelJson.Options)!;

        Assert.True(read.IsWellFormed);
        Assert.True(read.Routes["predict"].IsOf(_step));
        Assert.Equal(published.Routes["predict"].Canary.Sample(), read.Routes["predict"].Canary.Sample());
        var foreign = read with { Routes = new Dictionary<string, StepCounts> { ["predict"] = read.Routes["predict"] with { Canary = read.Routes["predict"].Canary with { Latency = [1, 2, 3] } } } };
        Assert.False(foreign.IsWellFormed);
        Assert.False((read with { Interval = TimeSpan.Zero }).IsWellFormed);
    }
}
