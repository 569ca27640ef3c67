using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Upstream;

/// <summary>The lean path's failure, reported where YARP's forwarder reports its own, so retries, health and logs read it alike.</summary>
internal sealed class UpstreamErrorFeature(ForwarderError error, Exception? exception) : IForwarderErrorFeature
{
    public ForwarderError Error { get; } = error;

    public Exception? Exception { get; } = exception;
}
