using Gateway.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Paths;

/// <summary>
/// Runs before routing: replaces the request path by its normal form (<see cref="PathNormalizer"/>), so routes match the
/// path the backend will receive. A path that cannot be normalised safely gets a refusing endpoint instead of a route;
/// forms only some routes accept are left for <see cref="Proxy.Middleware.PathPolicyMiddleware"/> to judge once the route is known.
/// </summary>
internal sealed class PathNormalizationMiddleware(RequestDelegate next, IOptions<PathPolicyOptions> options)
{
    private readonly bool _mergeSlashes = options.Value.MergeSlashes;
    private readonly PathForms _allowedEverywhere = options.Value.AllowedForms;

    public Task InvokeAsync(HttpContext context)
    {
        // Kestrel's decoded path has already lost what matters here (it resolves "%2E%2E", keeps "//"); read what was sent.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var path = PathNormalizer.PathOf(target);
        if (path.IsEmpty)
        {
            return next(context);
        }

        var result = PathNormalizer.Normalize(path, _mergeSlashes);
        if (result.Refusal is { } refusal)
        {
            // Routing skips a request that already has an endpoint.
            context.SetEndpoint(refusal.Endpoint);
            return next(context);
        }

        if (result.Path is { } normalized)
        {
            context.Request.Path = new PathString(normalized);
        }

        var forms = result.Forms & ~_allowedEverywhere;
        if (forms != PathForms.None)
        {
            context.Features.Set(PathFormsFeature.For(forms));
        }

        return next(context);
    }
}
