using System.Runtime.CompilerServices;

namespace Gateway.Inference.EndpointPicker;

/// <summary>
/// The response body of a request whose picker follows the response: each write goes to the client first, unchanged,
/// and then to the picker, so a streamed answer (server-sent events) reaches the client chunk by chunk as it arrives.
/// </summary>
internal sealed class PickerResponseStream(Stream inner, PickerExchange exchange) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        exchange.MarkBody();
        await inner.WriteAsync(buffer, cancellationToken);
        await exchange.SendBodyAsync(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
