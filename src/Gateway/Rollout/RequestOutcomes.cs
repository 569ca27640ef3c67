using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Rollout;

/// <summary>Classifies an answered request for the rollout's error checks.</summary>
internal static class RequestOutcomes
{
    /// <param name="status">The status the client got.</param>
    /// <param name="error">YARP's forwarding error, when there was one; it tells a response cut short after a 200.</param>
    public static RequestOutcome Of(int status, ForwarderError? error) => error switch
    {
        ForwarderError.RequestTimedOut => RequestOutcome.Timeout,
        ForwarderError.ResponseBodyDestination or ForwarderError.Request => RequestOutcome.ConnectionFailure,
        _ => status switch
        {
            504 => RequestOutcome.Timeout,
            502 => RequestOutcome.ConnectionFailure,
            >= 500 => RequestOutcome.ServerError,
            _ => RequestOutcome.Success,
        },
    };
}
