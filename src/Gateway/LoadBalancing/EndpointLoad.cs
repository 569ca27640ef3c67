namespace Gateway.LoadBalancing;

/// <summary>
/// One reading of an endpoint's metrics: the load it reported, when (a <see cref="TimeProvider"/> timestamp), and how
/// many requests this gateway had in flight to it then, so that requests sent or finished since adjust the reading.
/// </summary>
internal sealed record EndpointLoad(ServerLoad Load, long ReadAt, long InFlightAtRead);
