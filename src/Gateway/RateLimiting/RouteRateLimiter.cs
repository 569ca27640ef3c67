using Gateway.Auth;
using Gateway.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.RateLimiting;

/// <summary>A route's limit, built once per configuration: the rule, its store, how to key a request, and the fixed header values.</summary>
internal sealed class RouteRateLimiter
{
    private readonly ClientIpResolver _clientIp;
    private readonly string _quotedName;

    public RouteRateLimiter(string routeName, RateLimitRule rule, IRateLimitStore store, ClientIpResolver clientIp)
    {
        RouteName = routeName;
        Rule = rule;
        Store = store;
        _clientIp = clientIp;
        _quotedName = RateLimitHeaders.QuotedName(rule.Name);
        PolicyHeader = RateLimitHeaders.FormatPolicy(rule);
        RejectedTitle = $"Too many requests: rate limit '{rule.Name}' ({rule.Rate}, burst {rule.Burst}) exceeded.";
    }

    public string RouteName { get; }

    public RateLimitRule Rule { get; }

    public IRateLimitStore Store { get; }

    public RateLimitFailMode FailMode => Rule.Policy.FailMode;

    public int StatusCode => Rule.Policy.StatusCode;

    /// <summary>The <c>RateLimit-Policy</c> value, the same on every response.</summary>
    public string PolicyHeader { get; }

    public string RejectedTitle { get; }

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

    public string StateHeader(RateLimitDecision decision) => RateLimitHeaders.FormatState(_quotedName, decision);
}
