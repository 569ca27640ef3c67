using Gateway.LoadBalancing;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.LoadBalancing;

public sealed class AdmissionQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Critical_requests_are_let_in_before_standard_ones_each_in_arrival_order()
    {
        var queue = new AdmissionQueue(_time);
        var random = new Random(20261207);
        var waiting = new List<(int Arrival, Criticality Criticality, Task<AdmissionOutcome> Outcome)>();
        for (var i = 0; i < 40; i++)
        {
            var criticality = random.Next(2) == 0 ? Criticality.Critical : Criticality.Standard;
            waiting.Add((i, criticality, queue.WaitAsync(criticality, maxQueued: 100, Wait, CancellationToken.None)));
        }

        var order = new List<int>();
        while (queue.ReleaseNext())
        {
            // One request is let in at a time, so the one task that completes is the one let in.
            var pending = waiting.Where(w => !order.Contains(w.Arrival)).ToList();
            var done = await Task.WhenAny(pending.Select(w => w.Outcome));
            Assert.Equal(AdmissionOutcome.Admitted, await done);
            order.Add(pending.Single(w => w.Outcome == done).Arrival);
        }

        var expected = waiting.OrderByDescending(w => w.Criticality).ThenBy(w => w.Arrival).Select(w => w.Arrival);
        Assert.Equal(expected, order);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_full_queue_refuses_standard_requests_and_a_critical_one_displaces_the_newest_standard()
    {
        var queue = new AdmissionQueue(_time);
        var first = queue.WaitAsync(Criticality.Standard, maxQueued: 2, Wait, CancellationToken.None);
        var second = queue.WaitAsync(Criticality.Standard, maxQueued: 2, Wait, CancellationToken.None);

        Assert.Equal(AdmissionOutcome.Full, await queue.WaitAsync(Criticality.Standard, maxQueued: 2, Wait, CancellationToken.None));
        var critical = queue.WaitAsync(Criticality.Critical, maxQueued: 2, Wait, CancellationToken.None);
        Assert.Equal(AdmissionOutcome.Displaced, await second);
        Assert.Equal(2, queue.Count);

        var another = queue.WaitAsync(Criticality.Critical, maxQueued: 2, Wait, CancellationToken.None);
        Assert.Equal(AdmissionOutcome.Displaced, await first);
        Assert.Equal(AdmissionOutcome.Full, await queue.WaitAsync(Criticality.Critical, maxQueued: 2, Wait, CancellationToken.None));

        Assert.True(queue.ReleaseNext());
        Assert.True(queue.ReleaseNext());
        Assert.Equal(AdmissionOutcome.Admitted, await critical);
        Assert.Equal(AdmissionOutcome.Admitted, await another);
    }

    [Fact]
    public async Task A_request_waits_its_bound_and_then_leaves_while_a_longer_bound_keeps_waiting()
    {
        var queue = new AdmissionQueue(_time);
        var standard = queue.WaitAsync(Criticality.Standard, maxQueued: 10, TimeSpan.FromSeconds(5), CancellationToken.None);
        var critical = queue.WaitAsync(Criticality.Critical, maxQueued: 10, TimeSpan.FromSeconds(20), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(standard.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(AdmissionOutcome.TimedOut, await standard);
        Assert.False(critical.IsCompleted);
        Assert.Equal(1, queue.Count);

        Assert.True(queue.ReleaseNext());
        Assert.Equal(AdmissionOutcome.Admitted, await critical);
        Assert.False(queue.ReleaseNext());
    }

    [Fact]
    public async Task A_client_that_goes_away_frees_its_place()
    {
        var queue = new AdmissionQueue(_time);
        using var client = new CancellationTokenSource();
        var gone = queue.WaitAsync(Criticality.Standard, maxQueued: 1, Wait, client.Token);
        Assert.Equal(AdmissionOutcome.Full, await queue.WaitAsync(Criticality.Standard, maxQueued: 1, Wait, CancellationToken.None));

        await client.CancelAsync();
        Assert.Equal(AdmissionOutcome.Abandoned, await gone);
        Assert.Equal(0, queue.Count);

        var next = queue.WaitAsync(Criticality.Standard, maxQueued: 1, Wait, CancellationToken.None);
        Assert.True(queue.ReleaseNext());
        Assert.Equal(AdmissionOutcome.Admitted, await next);
    }
}
