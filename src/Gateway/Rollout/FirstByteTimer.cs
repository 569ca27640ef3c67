using System.Diagnostics;
using System.IO.Pipelines;
using Gateway.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ObjectPool;

namespace Gateway.Rollout;

/// <summary>
/// Notes when the first body byte of a response under rollout is written, so a streamed answer can be judged on it. It
/// stands in for the request's response body feature, and is its own stream: every write passes straight to the body it
/// replaced. Pooled, so timing a request allocates nothing; <see cref="Attach"/> and <see cref="Detach"/> bracket one
/// request. Writes through the pipe writer (the gateway's own short answers, never a forwarded stream) are not timed.
/// </summary>
internal sealed class FirstByteTimer : WriteOnlyStream, IHttpResponseBodyFeature
{
    private static readonly ObjectPool<FirstByteTimer> Pool = new DefaultObjectPool<FirstByteTimer>(new DefaultPooledObjectPolicy<FirstByteTimer>(), 1024);

    private IHttpResponseBodyFeature _inner = null!;
    private long _firstByte;

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _inner.Writer;

    /// <summary>Times the request's response body from now on.</summary>
    public static void Attach(HttpContext context)
    {
        var timer = Pool.Get();
        timer._inner = context.Features.Get<IHttpResponseBodyFeature>()!;
        timer._firstByte = 0;
        context.Features.Set<IHttpResponseBodyFeature>(timer);
        context.Features.Set(timer);
    }

    /// <summary>
    /// Gives the request its own response body feature back; returns the <see cref="Stopwatch"/> timestamp of the first
    /// body byte, or 0 when none was written or the request was not timed.
    /// </summary>
    public static long Detach(HttpContext context)
    {
        if (context.Features.Get<FirstByteTimer>() is not { } timer)
        {
            return 0;
        }

        context.Features.Set(timer._inner);
        context.Features.Set<FirstByteTimer>(null);
        var firstByte = timer._firstByte;
        timer._inner = null!;
        Pool.Return(timer);
        return firstByte;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Mark(buffer.Length);
        _inner.Stream.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Mark(count);
        _inner.Stream.Write(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Mark(buffer.Length);
        return _inner.Stream.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Mark(count);
        return _inner.Stream.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override void Flush() => _inner.Stream.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.Stream.FlushAsync(cancellationToken);

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        Mark(1);
        return _inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    public Task CompleteAsync() => _inner.CompleteAsync();

    private void Mark(int count)
    {
        if (_firstByte == 0 && count > 0)
        {
            _firstByte = Stopwatch.GetTimestamp();
        }
    }
}
