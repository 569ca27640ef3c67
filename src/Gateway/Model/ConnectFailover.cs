namespace Gateway.Model;

/// <summary>
/// What the gateway does when an endpoint refuses a connection, as nginx's <c>proxy_next_upstream error</c> with
/// <c>max_fails=1</c>: the request, of which nothing was sent, is tried once more on another endpoint, and the refusing
/// endpoint is taken out of rotation for <see cref="EjectionPeriod"/>, then tried again. On for every backend unless
/// turned off.
/// </summary>
internal sealed record ConnectFailover
{
    public static readonly TimeSpan DefaultEjectionPeriod = TimeSpan.FromSeconds(10);

    public static ConnectFailover Default { get; } = new();

    /// <summary>Send a request whose connection attempt failed to another endpoint, whatever its method.</summary>
    public bool Retry { get; init; } = true;

    /// <summary>How long an endpoint that refused a connection stays out of rotation before it gets traffic again.</summary>
    public TimeSpan EjectionPeriod { get; init; } = DefaultEjectionPeriod;
}
