using System.Runtime.InteropServices;
using Gateway.LoadBalancing;
using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Observability;
using Gateway.Rollout;
using Gateway.Sources.Kubernetes;
using Gateway.Tls;
using Microsoft.AspNetCore.Http;

namespace Gateway.Admin;

/// <summary>The admin listener's endpoints. They live on their own port, outside proxy routing, so no route can shadow or expose them.</summary>
internal sealed class AdminHandler(ModelStore store, RouteStatsRegistry routeStats, ShutdownState shutdown, ReadinessRegistry readiness, CertificateRegistry tls, AdminAccess access, RolloutService rollouts, RolloutRegistry rolloutSlots, LoadReporter loads, KubernetesLeadership? leadership = null)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!access.Allows(context))
        {
            return access.RefuseAsync(context);
        }

        switch (context.Request.Path.Value)
        {
            case "/healthz":
                return Text(context, StatusCodes.Status200OK, "ok");
            case "/readyz":
                if (shutdown.Draining)
                {
                    return Text(context, StatusCodes.Status503ServiceUnavailable, "not ready: shutting down");
                }

                var refused = Refusals(readiness);
                return !store.IsReady
                    ? Text(context, StatusCodes.Status503ServiceUnavailable, "not ready: no valid configuration loaded yet" + refused)
                    : !readiness.IsReady
                        ? Text(context, StatusCodes.Status503ServiceUnavailable, "not ready: waiting for the first sync of " + string.Join(", ", readiness.Pending) + refused)
                        : Text(context, StatusCodes.Status200OK, "ready" + refused);
            case "/config":
                context.Response.ContentType = "application/json; charset=utf-8";
                return context.Response.Body.WriteAsync(ConfigDocument.ToUtf8Json(store.Status, tls.Describe(), leadership)).AsTask();
            case "/routes":
                var current = store.Status;
                routeStats.Retain(current.Model.Routes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal));
                context.Response.ContentType = "text/html; charset=utf-8";
                return context.Response.WriteAsync(RoutesPage.Render(current, routeStats, rolloutSlots, loads.Read(), Environment.TickCount64 / 1000));
            case "/version":
                return context.Response.WriteAsJsonAsync(new { GatewayVersion.Version, GatewayVersion.Commit, Runtime = RuntimeInformation.FrameworkDescription }, ModelJson.Indented);
            case { } path when RolloutAdmin.Handles(path):
                return RolloutAdmin.InvokeAsync(context, rollouts, rolloutSlots);
            default:
                return Text(context, StatusCodes.Status404NotFound, "admin endpoints: /healthz /readyz /config /routes /rollouts /metrics /version");
        }
    }

    /// <summary>The answer of the metrics port to every path but <c>/metrics</c>.</summary>
    public static Task MetricsPortFallbackAsync(HttpContext context) =>
        Text(context, StatusCodes.Status404NotFound, "metrics port: /metrics");

    /// <summary>What the Kubernetes API refuses, for the readiness answer; empty when nothing is.</summary>
    private static string Refusals(ReadinessRegistry readiness)
    {
        var refusals = string.Join(", ", readiness.Refusals);
        return refusals.Length == 0
            ? ""
            : $"; the Kubernetes API refuses to {refusals}: grant it in the gateway's RBAC rules (deploy/base/rbac.yaml); the log names each rule";
    }

    private static Task Text(HttpContext context, int statusCode, string body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body + "\n");
    }
}
