using Yarp.ReverseProxy.Forwarder;

namespace Gateway.ForwarderFloor;

/// <summary>What nginx's equivalent configuration does to the request: strip the prefix, add X-Forwarded headers.</summary>
internal sealed class PrefixStripTransformer(string prefix) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        request.Path.StartsWithSegments(prefix, out var remainder);
        proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, remainder, request.QueryString);
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", httpContext.Connection.RemoteIpAddress?.ToString());
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", prefix);
    }
}
