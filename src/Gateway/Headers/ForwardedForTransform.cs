using Gateway.Primitives;
using Gateway.RateLimiting;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Headers;

/// <summary>
/// Writes <c>X-Forwarded-For</c> for the backend. From a trusted proxy (<c>Gateway:RateLimiting:TrustedProxies</c>) the
/// incoming chain is kept and the proxy's address appended, as nginx's <c>$proxy_add_x_forwarded_for</c>, so the chain
/// still ends with the hops the gateway resolved the client from. From anyone else the chain is replaced by the peer's
/// address: a client must not be able to write history the backend believes.
/// </summary>
internal sealed class ForwardedForTransform(ClientIpResolver clientIp) : RequestTransform
{
    private const string HeaderName = "X-Forwarded-For";

    private readonly RequestHeaderXForwardedForTransform _append = new(HeaderName, ForwardedTransformActions.Append);
    private readonly RequestHeaderXForwardedForTransform _set = new(HeaderName, ForwardedTransformActions.Set);

    public override ValueTask ApplyAsync(RequestTransformContext context) =>
        (clientIp.IsTrustedPeer(context.HttpContext) ? _append : _set).ApplyAsync(context);
}
