namespace Gateway.Rollout;

/// <summary>How a request of a rolled-out route ended, as the checks count it.</summary>
internal enum RequestOutcome
{
    Success,

    /// <summary>A 5xx answer other than the two below.</summary>
    ServerError,

    /// <summary>The backend could not be reached or broke the connection (502, or a response cut short).</summary>
    ConnectionFailure,

    /// <summary>The backend did not answer in time (504).</summary>
    Timeout,
}
