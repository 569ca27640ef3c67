namespace Gateway.Auth;

/// <summary>What one policy concluded about a request, worst to best for choosing the answer of an any-of route.</summary>
internal enum AuthOutcome
{
    /// <summary>No credential this policy reads was sent: 401 with a bare challenge.</summary>
    Missing,

    /// <summary>A credential was sent but is unknown, expired, badly signed or for someone else: 401 with <c>error="invalid_token"</c>.</summary>
    Invalid,

    /// <summary>The caller is known but lacks a required scope or claim: 403.</summary>
    Forbidden,

    Allowed,
}
