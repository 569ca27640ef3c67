using System.Globalization;
using Gateway.Model;
using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Runs right after routing: takes a token for the request from its route's limiter, adds the <c>RateLimit-Policy</c>
/// and <c>RateLimit</c> headers, and refuses the request (status, <c>Retry-After</c>, problem document) when the bucket
/// is empty. A queued request waits without holding a thread. Routes without a policy pass straight through. With a
/// second limit (<see cref="RouteRateLimiter.Also"/>) the response speaks for the tighter of the two.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, RateLimitMetrics metrics, TimeProvider timeProvider)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limiter = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.RateLimitSlot?.Limiter?.ForCaller(context);
        if (limiter is null || limiter.Exempts(context))
        {
            return next(context);
        }

        var pending = limiter.AcquireAllAsync(context);
        return pending.IsCompletedSuccessfully
            ? Decide(context, pending.Result.Limiter, pending.Result.Decision)
            : AwaitAndDecide(context, pending);
    }

    private async Task AwaitAndDecide(HttpContext context, ValueTask<(RouteRateLimiter Limiter, RateLimitDecision Decision)> pending)
    {
        var (limiter, decision) = await pending;
        await Decide(context, limiter, decision);
    }

    private Task Decide(HttpContext context, RouteRateLimiter limiter, RateLimitDecision decision)
    {
        var headers = context.Response.Headers;
        headers[RateLimitHeaders.Policy] = limiter.PolicyHeader;
        switch (decision.Outcome)
        {
            case RateLimitOutcome.Admitted:
                headers[RateLimitHeaders.State] = limiter.StateHeader(decision);
                if (decision.Wait > TimeSpan.Zero)
                {
                    metrics.Record(limiter.Rule.Name, "queued");
                    return WaitThenNext(context, decision.Wait);
                }

                metrics.Record(limiter.Rule.Name, "admitted");
                return next(context);

            case RateLimitOutcome.Rejected:
                metrics.Record(limiter.Rule.Name, "rejected");
                headers[RateLimitHeaders.State] = limiter.StateHeader(decision);
                headers[HeaderNames.RetryAfter] = RetryAfter(decision.Wait);
                return ProblemResponse.WriteAsync(context, limiter.StatusCode, limiter.RejectedTitle);

            default:
                if (limiter.FailMode == RateLimitFailMode.Open)
                {
                    metrics.Record(limiter.Rule.Name, "failed_open");
                    return next(context);
                }

                metrics.Record(limiter.Rule.Name, "failed_closed");
                headers[HeaderNames.RetryAfter] = "1";
                return ProblemResponse.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The rate-limit store is unavailable.");
        }
    }

    private async Task WaitThenNext(HttpContext context, TimeSpan wait)
    {
        try
        {
            await Task.Delay(wait, timeProvider, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        await next(context);
    }

    private static string RetryAfter(TimeSpan wait) =>
        Math.Max(1, RateLimitHeaders.Seconds(wait)).ToString(CultureInfo.InvariantCulture);
}
