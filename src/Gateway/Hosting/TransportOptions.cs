using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Gateway.Hosting;

/// <summary>
/// How Kestrel's socket transport runs the listeners (<c>Gateway:Transport</c>). The defaults are Kestrel's; the others
/// trade safety or memory for fewer thread hand-offs per request and are measured in docs/performance.md.
/// </summary>
internal sealed class TransportOptions
{
    /// <summary>Queues that socket I/O completions are dispatched to; null keeps Kestrel's (one per core, at most 16), 0 runs them on the thread pool.</summary>
    public int? IOQueueCount { get; set; }

    /// <summary>Runs request processing on the thread that completed the socket read instead of queueing it; a blocking call in the pipeline then stalls that I/O thread.</summary>
    public bool UnsafePreferInlineScheduling { get; set; }

    /// <summary>Waits for data before renting a read buffer, so idle connections hold no buffer; false saves a zero-byte read per request.</summary>
    public bool WaitForDataBeforeAllocatingBuffer { get; set; } = true;

    /// <summary>
    /// Forwards plain <c>http://</c> HTTP/1.1 requests over the gateway's own pooled connections instead of YARP's
    /// HttpClient; everything else (TLS, HTTP/2, upgrades) still goes through YARP's forwarder.
    /// </summary>
    public bool LeanUpstream { get; set; }

    public IEnumerable<string> Validate()
    {
        if (IOQueueCount is < 0 or > 64)
        {
            yield return $"Gateway:Transport:IOQueueCount {IOQueueCount} must be between 0 (thread pool) and 64";
        }
    }

    public void ApplyTo(SocketTransportOptions transport)
    {
        if (IOQueueCount is { } count)
        {
            transport.IOQueueCount = count;
        }

        transport.UnsafePreferInlineScheduling = UnsafePreferInlineScheduling;
        transport.WaitForDataBeforeAllocatingBuffer = WaitForDataBeforeAllocatingBuffer;
    }
}
