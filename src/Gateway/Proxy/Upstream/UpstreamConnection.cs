using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// One HTTP/1.1 connection to a backend: a socket with a pipe each way, and the chunked decoder its responses reuse.
/// Used by one request at a time; between requests it waits in its <see cref="UpstreamConnectionPool"/>.
/// </summary>
internal sealed class UpstreamConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    public UpstreamConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
    }

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    public ChunkedBodyDecoder Chunked { get; } = new();

    /// <summary>The last value of each well-known response field on this connection, reused while it does not change.</summary>
    public string?[] HeaderValues { get; } = new string?[ResponseHeadCopier.KnownCount];

    /// <summary>True once a request went out on this connection: a failure before its answer may then be a stale connection.</summary>
    public bool Reused { get; set; }

    /// <summary>When the connection went back to its pool (<see cref="Stopwatch"/> ticks).</summary>
    public long IdleSince { get; set; }

    /// <summary>
    /// True when the backend has closed the idle connection or sent something unasked: readable while idle means either,
    /// and neither may carry a request.
    /// </summary>
    public bool IsStale()
    {
        try
        {
            return _socket.Poll(0, SelectMode.SelectRead);
        }
        catch (SocketException)
        {
            return true;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        Reader.Complete();
        Writer.Complete();
        _stream.Dispose();
    }
}
