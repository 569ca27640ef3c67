using System.Globalization;

/// <summary>Latency percentiles and errors of one arm (a gateway build to one host) over every measured round.</summary>
internal sealed class ArmResult(string gateway, string arm)
{
    private readonly List<double> _latencies = [];
    private readonly List<double> _lags = [];

    public string Gateway { get; } = gateway;

    public string Arm { get; } = arm;

    public int Requests { get; private set; }

    public int Errors { get; private set; }

    public TimeSpan Cpu { get; private set; }

    public void Add(Sample[] samples, TimeSpan cpu)
    {
        foreach (var sample in samples)
        {
            Requests++;
            if (sample.Status != 200)
            {
                Errors++;
                continue;
            }

            _latencies.Add(sample.LatencyMs);
            _lags.Add(sample.LagMs);
        }

        Cpu += cpu;
    }

    public double Percentile(double p) => Percentile(_latencies, p);

    public string Row() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Gateway} | {Arm} | {Requests} | {Errors} | {Percentile(0.5):F3} | {Percentile(0.99):F3} | {Percentile(0.999):F3} | {Percentile(1):F1} | {Percentile(_lags, 0.99):F2} | {Cpu.TotalMicroseconds / Math.Max(1, Requests):F0} |");

    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
    }
}
