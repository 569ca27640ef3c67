namespace Gateway.LoadBalancing;

/// <summary>A request waiting at the gateway; the first outcome set wins (admission, timeout, displacement or the client leaving).</summary>
internal sealed class QueuedRequest(Criticality criticality) : TaskCompletionSource<AdmissionOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public Criticality Criticality { get; } = criticality;

    /// <summary>Its place in the queue of its criticality; detached once it left.</summary>
    public LinkedListNode<QueuedRequest>? Node { get; set; }
}
