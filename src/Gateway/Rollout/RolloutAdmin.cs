using Gateway.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Rollout;

/// <summary>
/// The admin port's rollout endpoints: <c>GET /rollouts</c> lists every rollout with its state, checks and recent
/// decisions; <c>POST /rollouts/{route}/pause|resume|abort|promote</c> commands one (route names may hold slashes).
/// </summary>
internal static class RolloutAdmin
{
    public const string Prefix = "/rollouts";

    public static bool Handles(string path) => path == Prefix || path.StartsWith(Prefix + "/", StringComparison.Ordinal);

    public static Task InvokeAsync(HttpContext context, RolloutService service, RolloutRegistry registry)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == Prefix || path == Prefix + "/")
        {
            return HttpMethods.IsGet(context.Request.Method)
                ? context.Response.WriteAsJsonAsync(registry.Statuses().OrderBy(s => s.Route, StringComparer.Ordinal).Select(Describe), ModelJson.Indented)
                : Problem(context, StatusCodes.Status405MethodNotAllowed, "GET lists the rollouts; POST to /rollouts/{route}/pause|resume|abort|promote");
        }

        var rest = path[(Prefix.Length + 1)..];
        var slash = rest.LastIndexOf('/');
        if (slash <= 0 || !Enum.TryParse<RolloutCommand>(rest[(slash + 1)..], ignoreCase: true, out var command) || int.TryParse(rest[(slash + 1)..], out _))
        {
            return Problem(context, StatusCodes.Status404NotFound, "expected /rollouts/{route}/pause, resume, abort or promote");
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return Problem(context, StatusCodes.Status405MethodNotAllowed, "rollout commands are POST requests");
        }

        var route = rest[..slash];
        if (service.Command(route, command) is not { } decision)
        {
            return Problem(context, StatusCodes.Status404NotFound, $"route '{route}' has no rollout running");
        }

        if (decision.Kind == RolloutDecisionKind.Refused)
        {
            return Problem(context, StatusCodes.Status409Conflict, decision.State.Message);
        }

        return registry.Find(route)?.Status is { } status
            ? context.Response.WriteAsJsonAsync(Describe(status), ModelJson.Indented)
            : Problem(context, StatusCodes.Status404NotFound, $"route '{route}' has no rollout running");
    }

    private static object Describe(RolloutStatus status) => new
    {
        status.Route,
        status.Canary,
        Phase = RolloutEngine.Describe(status.State.Phase).Replace(' ', '_'),
        Step = status.State.StepIndex + 1,
        status.Steps,
        status.State.Weight,
        status.State.Holding,
        StepStartedAt = status.State.StepStartedAt,
        status.AppliedAt,
        status.State.Message,
        Checks = status.Checks.Select(c => new { c.Name, c.Passed, c.Value, c.Bound, c.Text }),
        status.Instruction,
        status.History,
    };

    private static Task Problem(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(detail + "\n");
    }
}
