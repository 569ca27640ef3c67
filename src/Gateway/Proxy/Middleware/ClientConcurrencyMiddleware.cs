using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Refuses with 503 a request from a client that already has the route's limit of requests in flight (ingress-nginx
/// <c>limit-connections</c>, which also answers 503), before the rate limits as nginx orders them.
/// </summary>
internal sealed class ClientConcurrencyMiddleware(RequestDelegate next, ClientIpResolver clientIp)
{
    public Task InvokeAsync(HttpContext context)
    {
        var concurrency = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.ClientConcurrency;
        if (concurrency is null)
        {
            return next(context);
        }

        var client = clientIp.Resolve(context);
        if (concurrency.Exempts(client))
        {
            return next(context);
        }

        if (!concurrency.TryEnter(client))
        {
            return ProblemResponse.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"Too many requests in flight from this client (limit {concurrency.Limit}).");
        }

        return InvokeCountedAsync(context, concurrency, client);
    }

    private async Task InvokeCountedAsync(HttpContext context, ClientConcurrency concurrency, UInt128 client)
    {
        try
        {
            await next(context);
        }
        finally
        {
            concurrency.Exit(client);
        }
    }
}
