using BenchmarkDotNet.Attributes;
using Gateway.Model;
using Gateway.RateLimiting;

namespace Gateway.Benchmarks;

/// <summary>
/// Memory for one million distinct clients hitting one policy within a refill time, and after they go idle.
/// "Allocated" is everything the fill allocates; the retained bytes (live heap after a full GC) are printed to the log
/// as "retained by N buckets" and "retained after eviction".
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class RateLimitMemoryBenchmarks
{
    private readonly ManualClock _clock = new();
    private RateLimitRule _rule = null!;

    [Params(1_000_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rule = new RateLimitRule(new RateLimitPolicy { Name = "p", Rate = "10/s", Burst = 10 }, _clock.TimestampFrequency);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var store = Fill();
        var filled = GC.GetTotalMemory(forceFullCollection: true);
        _clock.Advance(TimeSpan.FromSeconds(1));
        store.EvictFull();
        var evicted = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// retained by {Keys:N0} buckets: {(filled - before) / 1024.0 / 1024.0:F1} MiB ({(double)(filled - before) / Keys:F0} bytes per key)");
        Console.WriteLine($"// retained after eviction: {(evicted - before) / 1024.0 / 1024.0:F1} MiB, {store.Count} buckets left (the table keeps its size)");
    }

    [Benchmark]
    public int FillDistinctKeys()
    {
        using var store = Fill();
        return store.Count;
    }

    private LocalRateLimitStore Fill()
    {
        var store = new LocalRateLimitStore(_clock, Keys, TimeSpan.FromDays(1));
        for (var i = 0; i < Keys; i++)
        {
            store.Acquire(new BucketKey((UInt128)i, null, null), _rule);
        }

        return store;
    }

    /// <summary>A clock that moves only when told, so eviction in the setup is deterministic.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _now = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Volatile.Read(ref _now);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks);
    }
}
