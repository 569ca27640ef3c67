namespace Gateway.Model;

/// <summary>Where a policy's buckets live.</summary>
internal enum RateLimitMode
{
    /// <summary>In this replica's memory: each replica admits the full rate.</summary>
    Local,

    /// <summary>In Redis, shared by every replica: the rate is for the whole gateway.</summary>
    Global,
}
