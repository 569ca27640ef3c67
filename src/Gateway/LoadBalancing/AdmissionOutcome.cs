namespace Gateway.LoadBalancing;

/// <summary>How a request's wait at the gateway ended.</summary>
internal enum AdmissionOutcome
{
    /// <summary>An endpoint had room: the request goes on.</summary>
    Admitted,

    /// <summary>The queue was full when it arrived.</summary>
    Full,

    /// <summary>It waited its criticality's longest wait.</summary>
    TimedOut,

    /// <summary>A Critical request took its place in a full queue.</summary>
    Displaced,

    /// <summary>The client went away; its place is freed.</summary>
    Abandoned,
}
