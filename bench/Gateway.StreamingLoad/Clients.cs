namespace Gateway.StreamingLoad;

/// <summary>HTTP clients as a model server's callers use them: pooled keep-alive connections, no proxy, no redirects.</summary>
internal static class Clients
{
    public static HttpClient Create(Uri baseAddress) => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = baseAddress,
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
