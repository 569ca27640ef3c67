using System.Runtime.CompilerServices;
using Gateway.Primitives;

namespace Gateway.Inference.EndpointPicker;

/// <summary>
/// The response body of a request whose picker follows the response: each write goes to the client first, unchanged,
/// and then to the picker, so a streamed answer (server-sent events) reaches the client chunk by chunk as it arrives.
/// </summary>
internal sealed class PickerResponseStream(Stream inner, PickerExchange exchange) : WriteOnlyStream
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        exchange.MarkBody();
        await inner.WriteAsync(buffer, cancellationToken);
        await exchange.SendBodyAsync(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        // Only reachable where synchronous I/O is allowed, which the gateway's server does not allow.
        exchange.MarkBody();
        inner.Write(buffer, offset, count);
        exchange.SendBodyAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override void Flush()
    {
        exchange.MarkBody();
        inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        exchange.MarkBody();
        return inner.FlushAsync(cancellationToken);
    }
}
