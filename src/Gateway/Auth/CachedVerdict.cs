namespace Gateway.Auth;

/// <summary>A verdict on a correctly signed token, reusable until <see cref="Until"/> (a <see cref="TimeProvider"/> timestamp).</summary>
internal readonly record struct CachedVerdict(AuthResult Result, long Until);
