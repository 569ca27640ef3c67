using Gateway.Auth;
using Gateway.Model;
using Gateway.Primitives;
using Microsoft.AspNetCore.Http;

namespace Gateway.RateLimiting;

/// <summary>A route's limit, built once per configuration: the rule, its store, how to key a request, and the fixed header values.</summary>
internal sealed class RouteRateLimiter
{
    private readonly ClientIpResolver _clientIp;
    private readonly StateHeaderCache _stateHeaders;
    private readonly Dictionary<string, RouteRateLimiter>? _plans;
    private readonly AddressRanges? _exempt;

    public RouteRateLimiter(string routeName, RateLimitRule rule, IRateLimitStore store, ClientIpResolver clientIp)
    {
        if (!rule.Policy.Plans.IsEmpty)
        {
            // Same policy name, so a plan's buckets live in the policy's store; only rate and burst differ.
            _plans = new Dictionary<string, RouteRateLimiter>(StringComparer.Ordinal);
            foreach (var (plan, rate) in rule.Policy.Plans)
            {
                var planPolicy = rule.Policy with { Rate = rate, Burst = null, Plans = [] };
                _plans[plan] = new RouteRateLimiter(routeName, new RateLimitRule(planPolicy, rule.TimestampFrequency), store, clientIp);
            }
        }

        RouteName = routeName;
        Rule = rule;
        Store = store;
        _clientIp = clientIp;
        _stateHeaders = new StateHeaderCache(RateLimitHeaders.QuotedName(rule.Name));
        PolicyHeader = RateLimitHeaders.FormatPolicy(rule);
        _exempt = rule.Policy.ExemptSources.IsEmpty ? null : AddressRanges.Parse(rule.Policy.ExemptSources);
        RejectedTitle = $"Too many requests: rate limit '{rule.Name}' ({rule.Rate}, burst {rule.Burst}) exceeded.";
    }

    public string RouteName { get; }

    /// <summary>The limiter of the policy's second limit (<see cref="RateLimitPolicy.Also"/>), which a request must also pass.</summary>
    public RouteRateLimiter? Also { get; init; }

    public RateLimitRule Rule { get; }

    public IRateLimitStore Store { get; }

    public RateLimitFailMode FailMode => Rule.Policy.FailMode;

    public int StatusCode => Rule.Policy.StatusCode;

    /// <summary>The <c>RateLimit-Policy</c> value, the same on every response.</summary>
    public string PolicyHeader { get; }

    public string RejectedTitle { get; }

    /// <summary>The limiter for the caller's plan (set by auth), or this one when the policy has no such plan.</summary>
    public RouteRateLimiter ForCaller(HttpContext context) =>
        _plans is not null && context.Features.Get<AuthIdentity>()?.Plan is { } plan && _plans.TryGetValue(plan, out var limiter)
            ? limiter
            : this;

    /// <summary>Whether the client's address is in the policy's exempt ranges, so the limit does not apply to it.</summary>
    public bool Exempts(HttpContext context) => _exempt is not null && _exempt.Contains(_clientIp.Resolve(context));

    public ValueTask<RateLimitDecision> AcquireAsync(HttpContext context) => Store.AcquireAsync(KeyFor(context), Rule);

    public BucketKey KeyFor(HttpContext context)
    {
        var spec = Rule.Key;
        var address = spec.ClientIp ? _clientIp.Resolve(context) : UInt128.Zero;
        string? header = null;
        if (spec.Header is { } name)
        {
            // A request without the header shares the bucket of all such requests (per address when keyed on ip too).
            var values = context.Request.Headers[name];
            header = values.Count > 0 ? values[0] ?? "" : "";
        }

        // Auth runs first; a request it did not identify (an open route) shares the anonymous bucket.
        var identity = spec.Identity ? context.Features.Get<AuthIdentity>()?.RateLimitKey ?? "" : null;
        return new BucketKey(address, header, spec.Route ? RouteName : null, identity);
    }

    public string StateHeader(RateLimitDecision decision) => _stateHeaders.Get(decision);

    /// <summary>
    /// Takes a token from this limit and, once it admitted, from <see cref="Also"/>: a request is admitted only when both
    /// admit. The second bucket is not asked when the first refuses, so such a request costs it nothing. Answers with the
    /// limit the response speaks for; completes synchronously when the stores do.
    /// </summary>
    public ValueTask<(RouteRateLimiter Limiter, RateLimitDecision Decision)> AcquireAllAsync(HttpContext context)
    {
        var pending = AcquireAsync(context);
        return pending.IsCompletedSuccessfully ? AlsoAsync(context, pending.Result) : AwaitThenAlsoAsync(context, pending);
    }

    private async ValueTask<(RouteRateLimiter, RateLimitDecision)> AwaitThenAlsoAsync(HttpContext context, ValueTask<RateLimitDecision> pending) =>
        await AlsoAsync(context, await pending);

    private ValueTask<(RouteRateLimiter, RateLimitDecision)> AlsoAsync(HttpContext context, RateLimitDecision decision)
    {
        if (decision.Outcome != RateLimitOutcome.Admitted || Also is not { } also)
        {
            return new((this, decision));
        }

        var pending = also.AcquireAsync(context);
        return pending.IsCompletedSuccessfully ? new(Tighter(decision, also, pending.Result)) : AwaitAlsoAsync(decision, also, pending);
    }

    private async ValueTask<(RouteRateLimiter, RateLimitDecision)> AwaitAlsoAsync(RateLimitDecision decision, RouteRateLimiter also, ValueTask<RateLimitDecision> pending) =>
        Tighter(decision, also, await pending);

    /// <summary>
    /// The limit to answer with: the second when it did not admit (its refusal, or its store's failure, decides),
    /// otherwise the one with fewer tokens left, so the headers announce the tighter bound. An admitted request waits for
    /// the longer of the two queues.
    /// </summary>
    private (RouteRateLimiter, RateLimitDecision) Tighter(RateLimitDecision decision, RouteRateLimiter also, RateLimitDecision alsoDecision)
    {
        if (alsoDecision.Outcome != RateLimitOutcome.Admitted)
        {
            return (also, alsoDecision);
        }

        var wait = decision.Wait > alsoDecision.Wait ? decision.Wait : alsoDecision.Wait;
        return alsoDecision.Remaining < decision.Remaining ? (also, alsoDecision with { Wait = wait }) : (this, decision with { Wait = wait });
    }
}
