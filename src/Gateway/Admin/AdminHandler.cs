using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Observability;
using Gateway.Rollout;
using Gateway.Sources.Kubernetes;
using Gateway.Tls;
using Microsoft.AspNetCore.Http;

namespace Gateway.Admin;

/// <summary>The admin listener's endpoints. They live on their own port, outside proxy routing, so no route can shadow or expose them.</summary>
internal sealed class AdminHandler(ModelStore store, RouteStatsRegistry routeStats, ShutdownState shutdown, ReadinessRegistry readiness, CertificateRegistry tls, RolloutService rollouts, RolloutRegistry rolloutSlots, KubernetesLeadership? leadership = null)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        switch (context.Request.Path.Value)
        {
            case "/healthz":
                return Text(context, StatusCodes.Status200OK, "ok");
            case "/readyz":
                if (shutdown.Draining)
                {
                    return Text(context, StatusCodes.Status503ServiceUnavailable, "not ready: shutting down");
                }

                return !store.IsReady
                    ? Text(context, StatusCodes.Status503ServiceUnavailable, "not ready: no valid configuration loaded yet")
                    : !readiness.IsReady
                        ? Text(context, StatusCodes.Status503ServiceUnavailable, "not ready: waiting for the first sync of " + string.Join(", ", readiness.Pending))
                        : Text(context, StatusCodes.Status200OK, "ready");
            case "/config":
                var status = store.Status;
                return context.Response.WriteAsJsonAsync(
                    new
                    {
                        status.Generation,
                        status.AppliedAt,
                        status.Sources,
                        LastRejected = status.LastRejected is { } rejected
                            ? new { rejected.Source, rejected.At, Problems = rejected.Problems.Select(p => p.ToString()), Details = rejected.Problems }
                            : null,
                        Warnings = status.Warnings.Select(p => p.ToString()),
                        Kubernetes = leadership is null ? null : new { Leader = leadership.IsLeader, leadership.Identity },
                        status.Model,
                        Tls = tls.Describe(),
                    },
                    ModelJson.Indented);
            case "/routes":
                var current = store.Status;
                routeStats.Retain(current.Model.Routes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal));
                context.Response.ContentType = "text/html; charset=utf-8";
                return context.Response.WriteAsync(RoutesPage.Render(current, routeStats, rolloutSlots, Environment.TickCount64 / 1000));
            case { } path when RolloutAdmin.Handles(path):
                return RolloutAdmin.InvokeAsync(context, rollouts, rolloutSlots);
            default:
                return Text(context, StatusCodes.Status404NotFound, "admin endpoints: /healthz /readyz /config /routes /rollouts /metrics");
        }
    }

    private static Task Text(HttpContext context, int statusCode, string body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body + "\n");
    }
}
