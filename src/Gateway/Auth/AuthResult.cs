namespace Gateway.Auth;

/// <summary>One policy's verdict: the caller's identity when allowed, otherwise a short reason safe to show the client.</summary>
internal readonly record struct AuthResult(AuthOutcome Outcome, AuthIdentity? Identity, string? Error)
{
    public static AuthResult Missing => new(AuthOutcome.Missing, null, null);

    public static AuthResult Allowed(AuthIdentity identity) => new(AuthOutcome.Allowed, identity, null);

    public static AuthResult Invalid(string error) => new(AuthOutcome.Invalid, null, error);

    public static AuthResult Forbidden(string error) => new(AuthOutcome.Forbidden, null, error);
}
