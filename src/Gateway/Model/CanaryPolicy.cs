namespace Gateway.Model;

/// <summary>
/// How a route with several backends picks one per request, with ingress-nginx canary semantics: the header override,
/// then the cookie override, then the weights (consistently hashed on a sticky key when one is named).
/// </summary>
internal sealed record CanaryPolicy
{
    /// <summary>The route backend that is the canary: the one <c>always</c> selects. The others are the stable variants.</summary>
    public string? Backend { get; init; }

    /// <summary>Request header that overrides the weights: <c>always</c> selects the canary, <c>never</c> a stable variant.</summary>
    public string? Header { get; init; }

    /// <summary>Exact value of <see cref="Header"/> that selects the canary, instead of <c>always</c>/<c>never</c>.</summary>
    public string? HeaderValue { get; init; }

    /// <summary>Regular expression, matched against the whole value of <see cref="Header"/>, that selects the canary.</summary>
    public string? HeaderPattern { get; init; }

    /// <summary>Cookie that overrides the weights after the header: <c>always</c> or <c>never</c>.</summary>
    public string? Cookie { get; init; }

    /// <summary>Request header whose value keeps a user on one variant while the weights do not change.</summary>
    public string? StickyHeader { get; init; }

    /// <summary>Cookie whose value keeps a user on one variant while the weights do not change.</summary>
    public string? StickyCookie { get; init; }

    /// <summary>Whether a request whose variant has no ready endpoints goes to another weighted variant that has some.</summary>
    public bool Fallback { get; init; } = true;

    /// <summary>Steps the canary's share by itself, judging each step; null leaves the weights as declared.</summary>
    public RolloutPolicy? Rollout { get; init; }
}
