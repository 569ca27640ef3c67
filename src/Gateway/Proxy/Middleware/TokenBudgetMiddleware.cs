using System.Diagnostics;
using System.Globalization;
using Gateway.Inference;
using Gateway.Model;
using Gateway.Observability;
using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Meters the tokens of inference requests (those whose body was read for its model, and those of routes with a token
/// budget). A route's token budget admits the request while the caller's budget is positive (else 429 with
/// <c>Retry-After</c>) and announces it in the <c>RateLimit-Policy</c>/<c>RateLimit</c> headers; a streamed request is
/// made to ask for its usage (the Responses API's always report it). The response passes through a
/// <see cref="UsageObservingStream"/>, and when it ends its usage is charged to the budget and counted per model and
/// variant, with time to first token and per output token.
/// </summary>
internal sealed class TokenBudgetMiddleware(RequestDelegate next, RateLimitMetrics limitMetrics, GatewayMetrics metrics, ModelFromBodyRoutes routes)
{
    public Task InvokeAsync(HttpContext context)
    {
        var runtime = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>();
        var limiter = runtime?.RateLimitSlot?.TokenLimiter?.ForCaller(context);
        var body = context.Features.Get<BufferedJsonBody>();
        if (runtime is null || (limiter is null && body is null))
        {
            return next(context);
        }

        if (limiter is null || limiter.Exempts(context))
        {
            return MeterAsync(context, runtime, body, null, default);
        }

        var key = limiter.KeyFor(context);
        var pending = limiter.CheckAsync(key);
        return pending.IsCompletedSuccessfully
            ? Decide(context, runtime, body, limiter, key, pending.Result)
            : AwaitAndDecide(context, runtime, body, limiter, key, pending);
    }

    private async Task AwaitAndDecide(HttpContext context, RouteRuntime runtime, BufferedJsonBody? body, RouteRateLimiter limiter, BucketKey key, ValueTask<RateLimitDecision> pending) =>
        await Decide(context, runtime, body, limiter, key, await pending);

    private Task Decide(HttpContext context, RouteRuntime runtime, BufferedJsonBody? body, RouteRateLimiter limiter, BucketKey key, RateLimitDecision decision)
    {
        var headers = context.Response.Headers;
        switch (decision.Outcome)
        {
            case RateLimitOutcome.Admitted:
                // Appended: a request limit on the same route announces its own policy in the same fields.
                headers.Append(RateLimitHeaders.Policy, limiter.PolicyHeader);
                headers.Append(RateLimitHeaders.State, limiter.StateHeader(decision));
                limitMetrics.Record(limiter.Rule.Name, "admitted");
                return MeterAsync(context, runtime, body, limiter, key);

            case RateLimitOutcome.Rejected:
                limitMetrics.Record(limiter.Rule.Name, "rejected");
                headers.Append(RateLimitHeaders.Policy, limiter.PolicyHeader);
                headers.Append(RateLimitHeaders.State, limiter.StateHeader(decision));
                headers[HeaderNames.RetryAfter] = Math.Max(1, RateLimitHeaders.Seconds(decision.Wait)).ToString(CultureInfo.InvariantCulture);
                return ProblemResponse.WriteAsync(context, limiter.StatusCode, limiter.RejectedTitle);

            default:
                if (limiter.FailMode == RateLimitFailMode.Open)
                {
                    limitMetrics.Record(limiter.Rule.Name, "failed_open");
                    return MeterAsync(context, runtime, body, limiter, key);
                }

                limitMetrics.Record(limiter.Rule.Name, "failed_closed");
                headers[HeaderNames.RetryAfter] = "1";
                return ProblemResponse.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The rate-limit store is unavailable.");
        }
    }

    private async Task MeterAsync(HttpContext context, RouteRuntime runtime, BufferedJsonBody? body, RouteRateLimiter? limiter, BucketKey key)
    {
        // A budget can charge a stream only when the server reports its usage, so the request asks for it.
        if (limiter is not null && body is not null && StreamUsageRequest.Apply(body, context.Request.Path) && context.Request.ContentLength is not null)
        {
            context.Request.ContentLength = body.Length;
        }

        var response = context.Response;
        var usage = new ResponseUsage(response);
        context.Features.Set(usage);
        var original = response.Body;
        response.Body = new UsageObservingStream(original, usage);
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
            var end = Stopwatch.GetTimestamp();
            if (usage.TryGetUsage(out var tokens))
            {
                if (limiter is not null && tokens.Total > 0)
                {
                    await limiter.ChargeAsync(key, tokens.Total);
                }

                Record(runtime.RouteName, body, usage, tokens, start, end);
            }
        }
    }

    private void Record(string route, BufferedJsonBody? body, ResponseUsage usage, TokenUsage tokens, long start, long end)
    {
        var known = routes.Scope.KnownNames;
        var model = body is not null && known.Contains(body.Model) ? body.Model : GatewayMetrics.OtherModel;
        var variant = body is not null && (body.Variant is not null || known.Contains(body.ServedModel)) ? body.ServedModel : GatewayMetrics.OtherModel;
        metrics.RecordModelTokens(route, model, variant, tokens.PromptTokens, tokens.CompletionTokens);
        if (usage.Streamed && usage.FirstByteTimestamp != 0)
        {
            TimeSpan? perToken = tokens.CompletionTokens > 1
                ? Stopwatch.GetElapsedTime(usage.FirstByteTimestamp, end) / (tokens.CompletionTokens - 1)
                : null;
            metrics.RecordModelTiming(route, model, variant, Stopwatch.GetElapsedTime(start, usage.FirstByteTimestamp), perToken);
        }
    }
}
