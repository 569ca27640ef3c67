using System.Diagnostics;
using Gateway.Rollout;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Tests.Rollout;

public sealed class VariantCountersTests
{
    private static long Ticks(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    [Fact]
    public void A_sample_counts_what_happened_since_its_baseline_by_kind()
    {
        var counters = new VariantCounters();
        counters.Record(RequestOutcome.ServerError, Ticks(5));
        var baseline = counters.Snapshot();
        counters.Record(RequestOutcome.Success, Ticks(5));
        counters.Record(RequestOutcome.ConnectionFailure, Ticks(5));
        counters.Record(RequestOutcome.Timeout, Ticks(5));
        counters.Record(RequestOutcome.Timeout, Ticks(5));

        var sample = counters.Snapshot().Minus(baseline).Sample();

        Assert.Equal(new VariantSample(4, 0, 1, 2, TimeSpan.FromMilliseconds(5)), sample);
        Assert.Equal(0.75, sample.ErrorRate);
    }

    [Fact]
    public void The_p99_is_the_upper_bound_of_the_bucket_that_holds_the_99th_percentile()
    {
        var counters = new VariantCounters();
        for (var i = 0; i < 990; i++)
        {
            counters.Record(RequestOutcome.Success, Ticks(40));
        }

        for (var i = 0; i < 10; i++)
        {
            counters.Record(RequestOutcome.Success, Ticks(900));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(50), counters.Snapshot().Sample().P99);

        counters.Record(RequestOutcome.Success, Ticks(900));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), counters.Snapshot().Sample().P99);
    }

    [Fact]
    public void Latencies_beyond_the_last_bound_land_in_the_open_bucket_and_no_requests_have_no_p99()
    {
        Assert.Equal(LatencyBuckets.Count - 1, LatencyBuckets.IndexOf(Ticks(10 * 60 * 1000)));
        Assert.Equal(0, LatencyBuckets.IndexOf(0));
        Assert.Null(new VariantCounters().Snapshot().Sample().P99);
    }

    [Theory]
    [InlineData(200, null, RequestOutcome.Success)]
    [InlineData(404, null, RequestOutcome.Success)]
    [InlineData(500, null, RequestOutcome.ServerError)]
    [InlineData(503, null, RequestOutcome.ServerError)]
    [InlineData(502, ForwarderError.Request, RequestOutcome.ConnectionFailure)]
    [InlineData(504, ForwarderError.RequestTimedOut, RequestOutcome.Timeout)]
    [InlineData(504, null, RequestOutcome.Timeout)]
    [InlineData(200, ForwarderError.ResponseBodyDestination, RequestOutcome.ConnectionFailure)]
    internal void Outcomes_are_classified_by_status_and_forwarding_error(int status, ForwarderError? error, RequestOutcome expected)
    {
        Assert.Equal(expected, RequestOutcomes.Of(status, error));
    }
}
