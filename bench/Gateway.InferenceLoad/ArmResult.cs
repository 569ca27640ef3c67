using System.Globalization;

/// <summary>What one balancing mode achieved over the measured window: time to first token of the good answers, errors, and requests held at the gateway.</summary>
internal sealed record ArmResult(string Mode, int Sent, int Errors, double[] TtftMs, int[] Served, int QueuedAtGateway)
{
    public double Percentile(double p)
    {
        if (TtftMs.Length == 0)
        {
            return double.NaN;
        }

        var sorted = TtftMs.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public string Row() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Mode} | {Sent} | {Errors} | {Percentile(0.5):F0} | {Percentile(0.9):F0} | {Percentile(0.99):F0} | {string.Join(" / ", Served)} | {QueuedAtGateway} |");
}
