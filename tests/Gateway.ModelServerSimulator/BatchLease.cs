namespace Gateway.ModelServerSimulator;

/// <summary>A place in the running batch, holding its tokens in the KV cache until disposed.</summary>
internal sealed class BatchLease(BatchScheduler scheduler, int tokens) : IDisposable
{
    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            scheduler.Leave(tokens);
        }
    }
}
