namespace Gateway.Model;

/// <summary>What a global policy does when Redis cannot answer in time.</summary>
internal enum RateLimitFailMode
{
    /// <summary>Admit the request (and count and log the failure): availability over protection.</summary>
    Open,

    /// <summary>Refuse the request with 503: protection of the backend over availability.</summary>
    Closed,

    /// <summary>Decide with a bucket of the same policy in this process: each replica enforces the rate alone meanwhile.</summary>
    Local,
}
