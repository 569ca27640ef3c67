using Gateway.Auth;
using Gateway.Model;
using Gateway.Paths;
using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Runs after routing, just before authentication: refuses (400) a path whose parameters or encoded slashes the matched
/// route does not accept, and holds a request that matches a protected route when case is ignored to that route's auth
/// before the matched route's own.
/// </summary>
internal sealed class PathPolicyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AuthMiddleware _caseVariantAuth;

    public PathPolicyMiddleware(RequestDelegate next, AuthMetrics metrics)
    {
        _next = next;
        _caseVariantAuth = new AuthMiddleware(next, metrics);
    }

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return _next(context);
        }

        if (context.Features.Get<PathFormsFeature>() is { } found)
        {
            var refused = found.Forms & ~AllowedForms(endpoint);
            if ((refused & PathForms.Parameters) != 0)
            {
                return ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "The request path has a path parameter (';' or %3B), which this route does not accept.");
            }

            if (refused != PathForms.None)
            {
                return ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "The request path has an encoded slash (%2F or %5C), which this route does not accept.");
            }
        }

        if (context.Features.Get<CaseVariantAuth>() is { } caseVariant)
        {
            return _caseVariantAuth.AuthenticateAsync(context, caseVariant.Auth);
        }

        return _next(context);
    }

    private static PathForms AllowedForms(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<RouteRuntime>()?.AllowedPathForms ?? PathForms.None;
}
