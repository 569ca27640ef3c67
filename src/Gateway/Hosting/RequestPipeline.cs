using Gateway.Auth;
using Gateway.Canary;
using Gateway.Headers;
using Gateway.Mirroring;
using Gateway.Primitives;
using Gateway.Observability;
using Gateway.Proxy;
using Gateway.RateLimiting;
using Gateway.Resilience;
using Gateway.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Hosting;

/// <summary>
/// The order of every step a proxied request passes, in one place, with the reason for each position. Each step reads
/// its route's <see cref="RouteRuntime"/> from the endpoint routing chose, and a route that does not use a step passes
/// straight through it. docs/architecture.md explains the order to maintainers; keep the two together.
/// </summary>
internal static class RequestPipeline
{
    /// <summary>Adds the request middlewares, YARP with its proxy-pipeline steps, and the 404 for what no route takes.</summary>
    public static void Use(WebApplication app)
    {
        // 0. Header rules before routing: forged identity headers, underscore names and control characters are gone or
        //    refused before any header match, canary rule, policy or backend sees them.
        app.UseMiddleware<RequestHeaderGuardMiddleware>();

        // 1. Routing first: every later step needs the endpoint, and with it the route's runtime. Route matching also
        //    runs GatewayMatcherPolicy (case-sensitive paths, regexes, method), so a request no route takes falls
        //    through to the 404 at the end.
        app.UseRouting();

        // 2. Telemetry wraps everything after it, so refusals by the steps below are counted and logged too.
        app.UseMiddleware<RequestTelemetryMiddleware>();

        // 3. The target guard refuses dot segments and encoded slashes before any policy reads the path.
        app.UseMiddleware<RequestTargetGuardMiddleware>();

        // 4. The https redirect comes before anything that asks for credentials, so none are sent in clear text.
        app.UseMiddleware<HttpsRedirectMiddleware>();

        // 5. CORS preflights are answered before auth and limits (browsers send them without credentials), as
        //    ingress-nginx does; CORS headers then go on every later answer, refusals included.
        app.UseMiddleware<CorsMiddleware>();

        // 6. Source ranges refuse unwanted clients before any work is spent on them (a JWT check, a token).
        app.UseMiddleware<SourceRangeMiddleware>();

        // 7. Authentication before limits: a limit keyed on the caller's identity needs the identity, and an
        //    unauthenticated flood must not spend the tokens of real callers.
        app.UseMiddleware<AuthMiddleware>();

        // 8. Per-client concurrency before the rate limits, in ingress-nginx's order (limit-connections, then limit-rps).
        app.UseMiddleware<ClientConcurrencyMiddleware>();

        // 9. Rate limits last of the refusals: a request that takes a token will be served or answered by its route.
        app.UseMiddleware<RateLimitMiddleware>();

        // 10. The route's own answers (redirect, direct response, fixed status, fault) and its bounds (body size,
        //     timeouts) wrap YARP, so the timeout covers everything the forward does, retries included.
        app.UseMiddleware<RouteBehaviorMiddleware>();

        app.MapReverseProxy(proxy =>
            {
                // a. Mirrors copy the request as the client sent it, before the variant choice, and whatever is served.
                proxy.UseMiddleware<MirrorMiddleware>();

                // b. The canary step picks the variant's cluster; every step after it works on that cluster.
                proxy.UseMiddleware<CanaryMiddleware>();

                // c. The per-backend concurrency limit is that of the variant actually served.
                proxy.UseMiddleware<ConcurrencyLimitMiddleware>();

                // d. Session affinity narrows the chosen cluster's endpoints before a retry excludes failed ones.
                proxy.UseSessionAffinity();

                // e. Retries sit before load balancing, so each attempt balances again over the endpoints not tried.
                proxy.UseMiddleware<RetryMiddleware>();
                proxy.UseLoadBalancing();

                // f. Passive health checks see the outcome of each attempt.
                proxy.UsePassiveHealthChecks();

                // g. Last: times the forward alone, the part of the request the backend owns.
                proxy.UseMiddleware<UpstreamTimingMiddleware>();
            })
            .WithRouteRuntimes(app.Services.GetRequiredService<RouteRuntimeTable>());
        app.UseEndpoints(_ => { });

        // A request no route takes gets a 404 problem document, like every other answer of the gateway itself.
        app.Run(context => ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, "No route matches the request."));
    }
}
