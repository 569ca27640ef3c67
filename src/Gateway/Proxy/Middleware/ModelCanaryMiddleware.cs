using System.Diagnostics;
using Gateway.Inference;
using Gateway.Observability;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// The YARP pipeline step that serves a route's public model by one of its real models: it picks the variant
/// (<see cref="ModelVariantTable"/>), rewrites the body's <c>model</c> to it (every other byte unchanged) and fixes
/// <c>Content-Length</c>. Requests whose body was not read for a model, and routes without a model canary, pass through.
/// </summary>
internal sealed class ModelCanaryMiddleware(RequestDelegate next, GatewayMetrics metrics, ModelFromBodyRoutes routes)
{
    public Task InvokeAsync(HttpContext context)
    {
        var table = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.ModelCanary;
        if (table is null || context.Features.Get<BufferedJsonBody>() is not { } body)
        {
            return next(context);
        }

        var variant = table.Select(context.Request, Random.Shared);
        if (!string.Equals(variant, body.Model, StringComparison.Ordinal))
        {
            body.Rewrite(variant);
            if (context.Request.ContentLength is not null)
            {
                context.Request.ContentLength = body.Length;
            }
        }

        // A mirror may have wrapped the body in its own buffer of the bytes as sent; the backend gets these.
        body.Position = 0;
        context.Request.Body = body;
        var model = routes.Scope.KnownNames.Contains(body.Model) ? body.Model : GatewayMetrics.OtherModel;
        metrics.RecordModelRequest(table.RouteName, model, variant);
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("gateway.model", body.Model);
            activity.SetTag("gateway.model_variant", variant);
        }

        return next(context);
    }
}
