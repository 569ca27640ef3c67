using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Gateway.Tls;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Sends a plain-HTTP request to a route that requires HTTPS to the same host, path and query over https, with 308 as
/// ingress-nginx does (the method and body are kept). Runs before authentication so credentials are not asked for in
/// clear text. A request that reached a trusted proxy over https (<c>X-Forwarded-Proto</c>) counts as https.
/// </summary>
internal sealed class HttpsRedirectMiddleware(RequestDelegate next, IOptions<TlsOptions> options, ClientIpResolver clientIp)
{
    private const string ForwardedProto = "X-Forwarded-Proto";

    private readonly int _port = options.Value.RedirectPort;

    public Task InvokeAsync(HttpContext context)
    {
        var behavior = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>();
        if (behavior is null || !behavior.RedirectToHttps || IsHttps(context))
        {
            return next(context);
        }

        var request = context.Request;
        if (!request.Host.HasValue)
        {
            return ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "This route requires HTTPS and the request names no host to redirect to.");
        }

        var host = _port == 443 ? new HostString(request.Host.Host) : new HostString(request.Host.Host, _port);
        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = UriHelper.BuildAbsolute(Uri.UriSchemeHttps, host, request.PathBase, request.Path, request.QueryString);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The connection's own scheme, or, from a trusted proxy, the last <c>X-Forwarded-Proto</c> value: the one that proxy
    /// wrote about the connection it received (earlier values came from further away and could be the client's own).
    /// </summary>
    private bool IsHttps(HttpContext context)
    {
        if (context.Request.IsHttps)
        {
            return true;
        }

        if (!clientIp.IsTrustedPeer(context))
        {
            return false;
        }

        var values = context.Request.Headers[ForwardedProto];
        if (values.Count == 0)
        {
            return false;
        }

        var last = values[values.Count - 1].AsSpan();
        var comma = last.LastIndexOf(',');
        return last[(comma + 1)..].Trim().Equals(Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
    }
}
