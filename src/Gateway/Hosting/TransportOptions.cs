using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Gateway.Hosting;

/// <summary>
/// How the runtime's socket engine and Kestrel's socket transport run (<c>Gateway:Transport</c>). Each setting is measured
/// alone in docs/performance.md; the defaults are the measured winners.
/// </summary>
internal sealed class TransportOptions
{
    /// <summary>The runtime's environment switch for inline socket completions, read once when the first socket is made.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket completions on the runtime's event-loop threads (one per core) instead of handing each to the thread
    /// pool: about 14 % less CPU per proxied request, but a blocking call on a completion path then stalls every
    /// connection of its loop. An explicit <see cref="InlineCompletionsVariable"/> in the environment wins.
    /// </summary>
    public bool InlineSocketCompletions { get; set; }

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

    /// <summary>
    /// Sets the runtime's switch for this process unless the environment already does. It must run before the first
    /// socket is created, because the socket engine reads it once.
    /// </summary>
    public void ApplyToSocketEngine()
    {
        if (InlineSocketCompletions && Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
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
