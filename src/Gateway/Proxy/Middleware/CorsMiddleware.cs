using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Answers CORS preflights of routes with a CORS policy (204, before auth and limits, as ingress-nginx does) and puts
/// the CORS headers on their responses, replacing any the backend sent. Requests without an allowed <c>Origin</c> pass
/// through untouched.
/// </summary>
internal sealed class CorsMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var cors = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.Cors;
        if (cors is null)
        {
            return next(context);
        }

        var request = context.Request;
        var origin = request.Headers.Origin;
        if (origin.Count != 1 || cors.AllowOriginFor(origin[0]!) is not { } allowOrigin)
        {
            return next(context);
        }

        var headers = context.Response.Headers;
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            SetCommon(headers, cors, allowOrigin);
            headers.AccessControlAllowMethods = cors.AllowMethods;
            headers.AccessControlAllowHeaders = cors.AllowHeaders;
            if (cors.MaxAge is { } maxAge)
            {
                headers.AccessControlMaxAge = maxAge;
            }

            return Task.CompletedTask;
        }

        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var behavior = http.GetEndpoint()!.Metadata.GetMetadata<RouteRuntime>()!.Cors!;
            SetCommon(http.Response.Headers, behavior, behavior.AllowOriginFor(http.Request.Headers.Origin[0]!)!);
            if (behavior.ExposeHeaders is { } expose)
            {
                http.Response.Headers.AccessControlExposeHeaders = expose;
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    private static void SetCommon(IHeaderDictionary headers, CorsBehavior cors, string allowOrigin)
    {
        headers.AccessControlAllowOrigin = allowOrigin;
        if (cors.AllowCredentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (!ReferenceEquals(allowOrigin, "*"))
        {
            AddVaryOrigin(headers);
        }
    }

    /// <summary>
    /// Adds <c>Origin</c> to the backend's <c>Vary</c> instead of replacing it: a cache that lost <c>Accept-Encoding</c>
    /// would serve a compressed body to a client that did not ask for one.
    /// </summary>
    private static void AddVaryOrigin(IHeaderDictionary headers)
    {
        var vary = headers.Vary;
        foreach (var value in vary)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var token = value.AsSpan()[range].Trim();
                if (token.Equals(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase) || token is "*")
                {
                    return;
                }
            }
        }

        headers.Vary = StringValues.Concat(vary, HeaderNames.Origin);
    }
}
