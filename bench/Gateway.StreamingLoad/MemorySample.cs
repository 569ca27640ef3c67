using System.Globalization;

namespace Gateway.StreamingLoad;

/// <summary>
/// One reading of a gateway process, taken inside it: its working set, the bytes its GC heap holds now, the bytes it
/// allocated and the CPU time it used since it started, and its gen-2 collections; <see cref="At"/> is when the parent
/// received it.
/// </summary>
internal readonly record struct MemorySample(TimeSpan At, long WorkingSet, long GcHeap, long Allocated, int Gen2Collections, TimeSpan Cpu)
{
    public const string Prefix = "sample ";

    /// <summary>The line the gateway process writes; the parent stamps it with its own clock.</summary>
    public static string Line() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.WorkingSet} {GC.GetTotalMemory(false)} {GC.GetTotalAllocatedBytes(false)} {GC.CollectionCount(2)} {Environment.CpuUsage.TotalTime.Ticks}");

    public static MemorySample Parse(string line, TimeSpan at)
    {
        var parts = line[Prefix.Length..].Split(' ');
        return new MemorySample(
            at,
            long.Parse(parts[0], CultureInfo.InvariantCulture),
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture),
            int.Parse(parts[3], CultureInfo.InvariantCulture),
            TimeSpan.FromTicks(long.Parse(parts[4], CultureInfo.InvariantCulture)));
    }
}
