using System.Collections.Concurrent;
using Gateway.Model;
using Gateway.Primitives;
using Microsoft.Extensions.Options;

namespace Gateway.RateLimiting;

/// <summary>
/// Turns each applied model into route limiters and publishes them through the routes' <see cref="RouteRateLimitSlot"/>s.
/// A local policy keeps its buckets across reloads (a changed rate applies to them at once); only removing a policy,
/// or moving it between Local and Global, drops them.
/// </summary>
internal sealed class RateLimiterRegistry(
    IOptions<RateLimitingOptions> options,
    TimeProvider timeProvider,
    ClientIpResolver clientIp,
    RedisConnection redis,
    RedisRateLimitStore redisStore) : IModelStage, IDisposable
{
    private readonly ConcurrentDictionary<string, RouteRateLimitSlot> _slots = new(StringComparer.Ordinal);
    private Dictionary<string, LocalRateLimitStore> _localStores = new(StringComparer.Ordinal);

    /// <summary>The model whose limits are in force.</summary>
    public GatewayModel Applied { get; private set; } = GatewayModel.Empty;

    /// <summary>The slot of the model route <paramref name="routeName"/>; the same object for the route's whole life.</summary>
    public RouteRateLimitSlot SlotFor(string routeName) => _slots.GetOrAdd(routeName, static _ => new RouteRateLimitSlot());

    /// <summary>What would stop <paramref name="model"/>'s limits from working with this process's settings.</summary>
    public IReadOnlyList<ModelProblem> Check(GatewayModel model)
    {
        var problems = new List<ModelProblem>();
        foreach (var policy in Flatten(model.RateLimitPolicies.Values))
        {
            if (policy.Mode == RateLimitMode.Global && !redis.IsConfigured)
            {
                problems.Add(new ModelProblem(policy.Source, $"rate-limit policy '{policy.Name}'", "Mode",
                    "is Global but no Redis is configured; set Gateway:RateLimiting:Redis (e.g. redis:6379) or use Mode Local"));
            }
        }

        return problems;
    }

    /// <summary>Puts <paramref name="model"/>'s limits in force. Called by one thread at a time (the model store's).</summary>
    public async ValueTask ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var rules = new Dictionary<string, RateLimitRule>(StringComparer.Ordinal);
        var localStores = new Dictionary<string, LocalRateLimitStore>(StringComparer.Ordinal);
        foreach (var policy in Flatten(model.RateLimitPolicies.Values))
        {
            rules[policy.Name] = new RateLimitRule(policy, timeProvider.TimestampFrequency);
            if (policy.Mode == RateLimitMode.Global)
            {
                await redis.ConnectAsync(cancellationToken);
            }

            // A global policy that fails to Local keeps its fallback buckets across reloads, as a local policy does.
            if (policy.Mode == RateLimitMode.Local || policy.FailMode == RateLimitFailMode.Local)
            {
                localStores[policy.Name] = _localStores.Remove(policy.Name, out var kept)
                    ? kept
                    : new LocalRateLimitStore(timeProvider, settings.MaxKeysPerPolicy, settings.EvictionInterval);
            }
        }

        var inUse = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in model.Routes)
        {
            inUse.Add(route.Name);
            RouteRateLimiter? limiter = null;
            if (route.RateLimitPolicy is { } name && rules.TryGetValue(name, out var rule))
            {
                limiter = new RouteRateLimiter(route.Name, rule, StoreFor(rule, localStores), clientIp)
                {
                    Also = rule.Policy.Also is { } also && rules.TryGetValue(also.Name, out var alsoRule)
                        ? new RouteRateLimiter(route.Name, alsoRule, StoreFor(alsoRule, localStores), clientIp)
                        : null,
                };
            }

            SlotFor(route.Name).Limiter = limiter;
        }

        foreach (var (name, slot) in _slots)
        {
            if (!inUse.Contains(name))
            {
                slot.Limiter = null;
            }
        }

        foreach (var removed in _localStores.Values)
        {
            removed.Dispose();
        }

        _localStores = localStores;
        Applied = model;
    }

    /// <summary>The policies and their second limits, which have buckets of their own.</summary>
    private static IEnumerable<RateLimitPolicy> Flatten(IEnumerable<RateLimitPolicy> policies)
    {
        foreach (var policy in policies)
        {
            yield return policy;
            if (policy.Also is { } also)
            {
                yield return also;
            }
        }
    }

    private IRateLimitStore StoreFor(RateLimitRule rule, Dictionary<string, LocalRateLimitStore> localStores) =>
        rule.Policy.Mode == RateLimitMode.Local ? localStores[rule.Name]
            : rule.Policy.FailMode == RateLimitFailMode.Local ? new LocalFallbackStore(redisStore, localStores[rule.Name])
            : redisStore;

    public void Dispose()
    {
        foreach (var store in _localStores.Values)
        {
            store.Dispose();
        }
    }
}
