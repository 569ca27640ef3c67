namespace Gateway.Model;

/// <summary>What a rate-limit policy's bucket counts.</summary>
internal enum RateLimitUnit
{
    /// <summary>One token per request, taken when it arrives.</summary>
    Requests,

    /// <summary>Model tokens (prompt plus completion) as the response's <c>usage</c> reports them, charged when it ends.</summary>
    Tokens,
}
