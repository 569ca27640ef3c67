using System.Buffers;

namespace Gateway.Inference;

/// <summary>
/// A request body read whole into a pooled buffer, which replaces the request's body stream so the backend gets the
/// same bytes; it also records the body's model and where it sits, for the steps after routing (a model canary rewrites
/// it). It is the request feature those steps find. The buffer goes back to the pool when the request ends.
/// </summary>
internal sealed class BufferedJsonBody : Stream
{
    private byte[] _buffer;
    private int _length;
    private int _position;

    // Where the model's JSON string token sits in the body, quotes included.
    private ModelToken _token;

    public BufferedJsonBody(byte[] pooledBuffer, int length, string model, ModelToken token)
    {
        _buffer = pooledBuffer;
        _length = length;
        Model = model;
        _token = token;
    }

    /// <summary>The model the client asked for (the header routes matched on).</summary>
    public string Model { get; }

    /// <summary>The variant a model canary chose; null when none did.</summary>
    public string? Variant { get; private set; }

    /// <summary>The model the backend gets: <see cref="Model"/> unless a model canary chose another.</summary>
    public string ServedModel => Variant ?? Model;

    /// <summary>The body as it will be forwarded.</summary>
    public ReadOnlySpan<byte> Content => _buffer.AsSpan(0, _length);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = (int)Math.Clamp(value, 0, _length);
    }

    /// <summary>
    /// Replaces the model's token with <paramref name="variant"/>'s JSON string (the caller checked it needs no escaping),
    /// leaving every other byte as the client sent it. Call before anything read the body.
    /// </summary>
    public void Rewrite(string variant)
    {
        var (start, oldLength) = _token;
        var newLength = variant.Length + 2;
        var length = _length - oldLength + newLength;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        _buffer.AsSpan(0, start).CopyTo(buffer);
        buffer[start] = (byte)'"';
        System.Text.Encoding.ASCII.GetBytes(variant, buffer.AsSpan(start + 1));
        buffer[start + newLength - 1] = (byte)'"';
        _buffer.AsSpan(start + oldLength, _length - start - oldLength).CopyTo(buffer.AsSpan(start + newLength));
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = buffer;
        _length = length;
        _token = new ModelToken(start, newLength);
        Variant = variant;
    }

    /// <summary>
    /// Replaces <paramref name="removeLength"/> bytes at <paramref name="start"/> with <paramref name="insert"/>, leaving
    /// every other byte as it was; the model's position follows when the change is before it. Call before anything read
    /// the body.
    /// </summary>
    public void Splice(int start, int removeLength, ReadOnlySpan<byte> insert)
    {
        var length = _length - removeLength + insert.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        _buffer.AsSpan(0, start).CopyTo(buffer);
        insert.CopyTo(buffer.AsSpan(start));
        _buffer.AsSpan(start + removeLength, _length - start - removeLength).CopyTo(buffer.AsSpan(start + insert.Length));
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = buffer;
        _length = length;
        if (start <= _token.Start)
        {
            _token = _token with { Start = _token.Start + insert.Length - removeLength };
        }
    }

    public override int Read(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _length - _position);
        _buffer.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        var start = _position;
        _position = _length;
        await destination.WriteAsync(_buffer.AsMemory(start, _length - start), cancellationToken);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
            _position = 0;
        }

        base.Dispose(disposing);
    }
}
