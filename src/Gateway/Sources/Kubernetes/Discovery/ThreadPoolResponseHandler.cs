namespace Gateway.Sources.Kubernetes.Discovery;

/// <summary>
/// Hands each Kubernetes API response to the thread pool before the client library reads it. The library deserialises
/// a response body with a synchronous read; with inline socket completions that read would otherwise run on the
/// runtime's socket event loop, which then waits for its own next event and stalls every connection it serves.
/// </summary>
internal sealed class ThreadPoolResponseHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await Task.Yield();
        return response;
    }
}
