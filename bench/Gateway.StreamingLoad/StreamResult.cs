namespace Gateway.StreamingLoad;

/// <summary>One long stream: its bytes and duration, and the gateway's samples before, during and after it (none when direct).</summary>
internal sealed record StreamResult(Contender Contender, long Bytes, TimeSpan Elapsed, MemorySample? Before, IReadOnlyList<MemorySample> During, MemorySample? After)
{
    private const double Megabyte = 1024 * 1024;

    public double MegabytesPerSecond => Bytes / Megabyte / Elapsed.TotalSeconds;

    /// <summary>The highest working set from the sample before the stream to the one after it.</summary>
    public long MaxWorkingSet => Samples().Max(s => s.WorkingSet);

    public long MaxGcHeap => Samples().Max(s => s.GcHeap);

    /// <summary>Bytes the gateway allocated per megabyte it streamed.</summary>
    public double AllocatedPerMegabyte => (After!.Value.Allocated - Before!.Value.Allocated) / (Bytes / Megabyte);

    public int Gen2Collections => After!.Value.Gen2Collections - Before!.Value.Gen2Collections;

    /// <summary>CPU seconds the proxy process spent per gigabyte it streamed (its idle sampling included, a few milliseconds).</summary>
    public double CpuSecondsPerGigabyte => (After!.Value.Cpu - Before!.Value.Cpu).TotalSeconds / (Bytes / Megabyte / 1024);

    private IEnumerable<MemorySample> Samples() => [Before!.Value, .. During, After!.Value];
}
