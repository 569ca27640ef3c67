/// <summary>One request of an open-loop run: when it was due, sent and answered (Stopwatch ticks), its status (0: no answer) and whether the picker picked its pod.</summary>
internal readonly record struct Sample(long Due, long Sent, long Answered, int Status, bool Picked)
{
    public double LatencyMs => (Answered - Sent) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;

    public double LagMs => (Sent - Due) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}
