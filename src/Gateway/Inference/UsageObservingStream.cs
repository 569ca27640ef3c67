using System.Runtime.CompilerServices;
using Gateway.Primitives;

namespace Gateway.Inference;

/// <summary>
/// The response body of an inference request: every write goes to the client's stream first, unchanged, and then its
/// bytes are shown to <see cref="ResponseUsage"/>, so reading the usage never holds a byte back or copies one.
/// </summary>
internal sealed class UsageObservingStream(Stream inner, ResponseUsage usage) : WriteOnlyStream
{
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        usage.MarkFirstByte();
        inner.Write(buffer);
        usage.Observe(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        usage.MarkFirstByte();
        var pending = inner.WriteAsync(buffer, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            usage.Observe(buffer.Span);
            return default;
        }

        return ObserveAfterAsync(pending, buffer);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ObserveAfterAsync(ValueTask pending, ReadOnlyMemory<byte> buffer)
    {
        await pending;
        usage.Observe(buffer.Span);
    }
}
