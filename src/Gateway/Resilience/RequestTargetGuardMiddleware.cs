using System.Buffers;
using Gateway.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Resilience;

/// <summary>
/// Refuses (400) a request target with dot segments or encoded dots, slashes or backslashes in its path. Kestrel would
/// resolve <c>/service-a/../admin</c> to <c>/admin</c> and route it there, and a backend might decode <c>%2F</c> into a
/// path the gateway never matched; a prefix route must only ever see paths under its prefix as written.
/// </summary>
internal sealed class RequestTargetGuardMiddleware(RequestDelegate next)
{
    private static readonly SearchValues<char> Suspicious = SearchValues.Create(".%");

    public Task InvokeAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is null || target.AsSpan().IndexOfAny(Suspicious) < 0 || IsClean(target))
        {
            return next(context);
        }

        return ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "The request path contains dot segments or encoded separators.");
    }

    internal static bool IsClean(ReadOnlySpan<char> target)
    {
        var query = target.IndexOf('?');
        var path = query < 0 ? target : target[..query];
        if (path.Contains("%2e", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%5c", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment is "." or "..")
            {
                return false;
            }
        }

        return true;
    }
}
