namespace Gateway.Observability;

/// <summary>How long forwarding took, handed from the proxy pipeline to the access log (only while it is on).</summary>
internal sealed class UpstreamTiming
{
    public TimeSpan Duration { get; set; }
}
