using Gateway.Inference.EndpointPicker.Protocol;
using Grpc.Net.Client;

namespace Gateway.Inference.EndpointPicker;

/// <summary>
/// The pooled HTTP/2 channel to one picker address, counted by the calls that use it: once retired (no pool's picker has
/// the address any more) it is disposed, closing its connections, when its last call ends.
/// </summary>
internal sealed class PickerChannel(GrpcChannel channel)
{
    private int _calls;
    private int _retired;
    private int _disposed;

    public ExternalProcessor.ExternalProcessorClient Client { get; } = new(channel);

    /// <summary>Counts a call in; false when the channel was retired (the caller takes a fresh one).</summary>
    public bool TryAcquire()
    {
        // Interlocked on both sides: either Retire sees this call, or this sees the retirement.
        Interlocked.Increment(ref _calls);
        if (Volatile.Read(ref _retired) == 0)
        {
            return true;
        }

        Release();
        return false;
    }

    /// <summary>Counts a call out; the last one out of a retired channel disposes it.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _calls) == 0 && Volatile.Read(ref _retired) == 1)
        {
            Dispose();
        }
    }

    /// <summary>No new call takes the channel; it is disposed now when idle, else when its last call ends.</summary>
    public void Retire()
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Volatile.Read(ref _calls) == 0)
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            channel.Dispose();
        }
    }
}
