namespace Gateway.Observability;

/// <summary>The JSON-lines access log: <c>Gateway:AccessLog</c>.</summary>
internal sealed class AccessLogOptions
{
    public bool Enabled { get; set; }

    /// <summary>Share of requests logged (0-1).</summary>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>File to append to; standard output when unset.</summary>
    public string? Path { get; set; }

    public IEnumerable<string> Validate()
    {
        if (SampleRate is < 0 or > 1 || double.IsNaN(SampleRate))
        {
            yield return $"Gateway:AccessLog:SampleRate '{SampleRate}' must be between 0 and 1";
        }
    }
}
