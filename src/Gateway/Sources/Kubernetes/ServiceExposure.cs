using System.Collections.Immutable;
using Gateway.Model;

namespace Gateway.Sources.Kubernetes;

/// <summary>How one labelled Service asks to be exposed, read from its annotations.</summary>
internal sealed record ServiceExposure
{
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public required string PathPrefix { get; init; }

    public bool StripPrefix { get; init; } = true;

    public string? Host { get; init; }

    /// <summary>The Service port to proxy to, by name or number; null when the Service has a single port.</summary>
    public string? Port { get; init; }

    /// <summary>The stable Service (same namespace) this one is a canary of.</summary>
    public string? CanaryOf { get; init; }

    public int CanaryWeight { get; init; }

    /// <summary>On a canary Service: the header that forces it (<c>always</c>/<c>never</c>, or <see cref="CanaryHeaderValue"/>).</summary>
    public string? CanaryHeader { get; init; }

    public string? CanaryHeaderValue { get; init; }

    /// <summary>On a canary Service: the cookie that forces it (<c>always</c>/<c>never</c>).</summary>
    public string? CanaryCookie { get; init; }

    /// <summary>On a canary Service: the rollout that steps its share, from the rollout annotations.</summary>
    public RolloutPolicy? Rollout { get; init; }

    /// <summary>Health checks, concurrency limit and connect timeout of the Service's backend.</summary>
    public BackendSettings Backend { get; init; } = BackendSettings.None;

    /// <summary>The limit of the Service's route, from the rate-limit annotations; null for none.</summary>
    public RateLimitPolicy? RateLimit { get; init; }

    /// <summary>The token budget of the Service's route, from the token-limit annotations; null for none.</summary>
    public RateLimitPolicy? TokenLimit { get; init; }

    /// <summary>A configured token-budget policy the route names instead (<c>token-limit-policy</c>); null for none.</summary>
    public string? TokenLimitPolicy { get; init; }

    /// <summary>The auth policies of the Service's route (any of them admits); empty leaves it open.</summary>
    public ImmutableArray<string> AuthPolicies { get; init; } = [];

    /// <summary>The public model name the route serves (matched on the body's model); null matches any request.</summary>
    public string? Model { get; init; }

    /// <summary>The real models behind <see cref="Model"/>, by weight; null forwards the body's model as sent.</summary>
    public ModelCanaryPolicy? ModelCanary { get; init; }

    public string Id => $"{Namespace}/{Name}";
}
