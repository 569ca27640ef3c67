using Yarp.ReverseProxy.Transforms;

namespace Gateway.Resilience;

/// <summary>
/// Withholds a response whose status the route retries, while another attempt is possible: YARP then skips its body and
/// nothing reaches the client, so <see cref="Proxy.Middleware.RetryMiddleware"/> can send the request to another endpoint.
/// </summary>
internal sealed class RetryStatusTransform : ResponseTransform
{
    public static readonly RetryStatusTransform Instance = new();

    public override ValueTask ApplyAsync(ResponseTransformContext context)
    {
        var state = context.HttpContext.Features.Get<RetryState>();
        if (state is { CanRetry: true, BodyStarted: false } && context.ProxyResponse is { } response
            && state.Behavior.RetriesStatus((int)response.StatusCode))
        {
            context.SuppressResponseBody = true;
            state.Withheld = true;
        }

        return default;
    }
}
