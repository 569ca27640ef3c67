using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>Cross-origin rules the gateway answers preflights with and adds to a route's responses.</summary>
internal sealed record CorsPolicy
{
    /// <summary><c>*</c>, exact origins (<c>https://app.example.com</c>) or one-label wildcards (<c>https://*.example.com</c>).</summary>
    public ImmutableArray<string> AllowOrigins { get; init; } = [];

    public ImmutableArray<string> AllowMethods { get; init; } = [];

    public ImmutableArray<string> AllowHeaders { get; init; } = [];

    public ImmutableArray<string> ExposeHeaders { get; init; } = [];

    public bool AllowCredentials { get; init; }

    /// <summary>How long a browser may cache a preflight answer; null leaves it to the browser.</summary>
    public TimeSpan? MaxAge { get; init; }
}
