using Gateway.Auth;
using Gateway.Canary;
using Gateway.Headers;
using Gateway.Inference;
using Gateway.Inference.EndpointPicker;
using Gateway.LoadBalancing;
using Gateway.Observability;
using Gateway.Paths;
using Gateway.Primitives;
using Gateway.Proxy.Middleware;
using Gateway.Proxy.Routing;
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
        // 1. Telemetry wraps everything after it, so refusals by every later step, the guards before routing
        //    included, are counted and logged too. It reads the route once the request is answered.
        app.UseMiddleware<RequestTelemetryMiddleware>();

        // 2. The path is normalised before routing (merged slashes, dot segments, unreserved escapes), so routes match the
        //    path the backend will get; forms that cannot be normalised safely are refused here (docs/path-policy.md).
        app.UseMiddleware<PathNormalizationMiddleware>();

        // 3. Header rules before routing: forged identity headers, underscore names and control characters are gone or
        //    refused before any header match, canary rule, policy or backend sees them (docs/security.md).
        app.UseMiddleware<RequestHeaderGuardMiddleware>();

        // 4. The model named in an OpenAI-style JSON body becomes a request header, so routes can match on it. After the
        //    path is normalised (the paths it reads are normalised paths) and the header guard (which removed every
        //    client copy of that header), before routing.
        app.UseMiddleware<ModelFromBodyMiddleware>();

        // 5. Routing: every later step needs the endpoint, and with it the route's runtime. Route matching also runs
        //    GatewayMatcherPolicy (case-sensitive paths, regexes, method), so a request no route takes falls through to
        //    the 404 at the end. The in-process warm-up request that builds the route matcher before /readyz turns
        //    ready enters here and ends right after routing (RouteMatcherWarmUp).
        var warmUp = app.Services.GetRequiredService<RouteMatcherWarmUp>();
        warmUp.Capture(app);
        app.UseRouting();
        RouteMatcherWarmUp.EndAfterRouting(app);

        // 6. The https redirect comes before anything that asks for credentials, so none are sent in clear text.
        app.UseMiddleware<HttpsRedirectMiddleware>();

        // 7. CORS preflights are answered before auth and limits (browsers send them without credentials), as
        //    ingress-nginx does; CORS headers then go on every later answer, refusals included.
        app.UseMiddleware<CorsMiddleware>();

        // 8. Source ranges refuse unwanted clients before any work is spent on them (a JWT check, a token).
        app.UseMiddleware<SourceRangeMiddleware>();

        // 9. The path forms the matched route does not accept (';' parameters, encoded slashes) are refused, and a request
        //    that matches a protected route when case is ignored is held to that route's auth: both need the endpoint
        //    and come before the route's own authentication.
        app.UseMiddleware<PathPolicyMiddleware>();

        // 10. Authentication before limits: a limit keyed on the caller's identity needs the identity, and an
        //    unauthenticated flood must not spend the tokens of real callers.
        app.UseMiddleware<AuthMiddleware>();

        // 11. Per-client concurrency before the rate limits, in ingress-nginx's order (limit-connections, then limit-rps).
        app.UseMiddleware<ClientConcurrencyMiddleware>();

        // 12. Rate limits last of the refusals: a request that takes a token will be served or answered by its route.
        app.UseMiddleware<RateLimitMiddleware>();

        //     A route under rollout times its answers' first body byte here, for the streams it judges on it: after the
        //     refusals (which are never streams), before the token metering, so the metering's body wrapper sits inside
        //     the timer's and each is taken off in turn; the telemetry step takes the timer off when it counts the request.
        app.UseMiddleware<RolloutTimingMiddleware>();

        //     Then the token budget, and the metering of inference responses' tokens (it wraps the response body, so
        //     it sees every byte the route's own answers and YARP write).
        app.UseMiddleware<TokenBudgetMiddleware>();

        // 13. The route's own answers (redirect, direct response, fixed status, fault) and its bounds (body size,
        //     timeouts) wrap YARP, so the timeout covers everything the forward does, retries included.
        app.UseMiddleware<RouteBehaviorMiddleware>();

        app.MapReverseProxy(proxy =>
            {
                // a. Mirrors copy the request as the client sent it, before the variant choice, and whatever is served.
                proxy.UseMiddleware<MirrorMiddleware>();

                // b. The model canary rewrites the body's model to the real model that serves it: after the mirrors, which
                //    get the body as sent, and before retries, which replay the rewritten body.
                proxy.UseMiddleware<ModelCanaryMiddleware>();

                // c. The canary step picks the variant's cluster; every step after it works on that cluster.
                proxy.UseMiddleware<CanaryMiddleware>();

                // d. The per-backend concurrency limit is that of the variant actually served.
                proxy.UseMiddleware<ConcurrencyLimitMiddleware>();

                // e. A load-aware backend whose model servers are all saturated holds or sheds the request here, after
                //    the variant is known and before an endpoint is picked, so a request let in is balanced on fresh load.
                proxy.UseMiddleware<LoadAwareAdmissionMiddleware>();

                // f. An InferencePool's endpoint picker narrows the destinations to the endpoint it picks: after the
                //    variant is known (each pool has its own picker), before affinity and balancing, which then have
                //    one endpoint to choose (or all of them, when a FailOpen picker failed).
                proxy.UseMiddleware<EndpointPickerMiddleware>();

                // g. Session affinity narrows the chosen cluster's endpoints before a retry excludes failed ones.
                proxy.UseSessionAffinity();

                // h. Retries sit before load balancing, so each attempt balances again over the endpoints not tried.
                proxy.UseMiddleware<RetryMiddleware>();
                proxy.UseLoadBalancing();

                // i. Passive health checks see the outcome of each attempt.
                proxy.UsePassiveHealthChecks();

                // j. Last: times the forward alone, the part of the request the backend owns.
                proxy.UseMiddleware<UpstreamTimingMiddleware>();
            })
            .WithRouteRuntimes(app.Services.GetRequiredService<RouteRuntimeTable>());
        app.UseEndpoints(_ => { });

        // A request no route takes gets a 404 problem document, like every other answer of the gateway itself.
        app.Run(context => ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, "No route matches the request."));
    }
}
