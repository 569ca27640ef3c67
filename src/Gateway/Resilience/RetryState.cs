namespace Gateway.Resilience;

/// <summary>
/// Per-request state shared by <see cref="Proxy.Middleware.RetryMiddleware"/> and <see cref="RetryStatusTransform"/>: whether another
/// attempt is possible, and whether the transform withheld a retryable response for it.
/// </summary>
internal sealed class RetryState(RetryBehavior behavior)
{
    public RetryBehavior Behavior { get; } = behavior;

    /// <summary>Another endpoint and attempt remain, so a retryable status may be withheld from the client.</summary>
    public bool CanRetry { get; set; }

    /// <summary>The request body, when there is one, is being read; from then on nothing is retried.</summary>
    public ReadTrackingStream? Body { get; set; }

    /// <summary>The transform dropped the attempt's response (its status is retryable) so that the next attempt can answer.</summary>
    public bool Withheld { get; set; }

    public bool BodyStarted => Body is { HasRead: true };
}
