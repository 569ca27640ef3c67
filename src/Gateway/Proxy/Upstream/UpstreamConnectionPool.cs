using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// The idle HTTP/1.1 connections to one destination address. Renting takes the oldest idle connection that is still
/// open, or connects a new one; a connection comes back only when its response was read to its exact end and allowed
/// reuse. Idle connections older than <see cref="IdleTimeout"/> are closed by <see cref="Sweep"/>.
/// </summary>
internal sealed class UpstreamConnectionPool : IDisposable
{
    /// <summary>As <c>SocketsHttpHandler</c>'s default <c>PooledConnectionIdleTimeout</c>.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(1);

    /// <summary>How long a connection may sit idle before it is checked for a close by the backend when taken.</summary>
    private static readonly TimeSpan StaleCheckAfter = TimeSpan.FromSeconds(1);

    private readonly ConcurrentQueue<UpstreamConnection> _idle = new();
    private readonly EndPoint _endPoint;
    private int _disposed;

    /// <param name="destinationPrefix">The destination's address, an absolute <c>http://</c> URI.</param>
    public UpstreamConnectionPool(string destinationPrefix)
    {
        var uri = new Uri(destinationPrefix, UriKind.Absolute);
        _endPoint = IPAddress.TryParse(uri.IdnHost, out var address) ? new IPEndPoint(address, uri.Port) : new DnsEndPoint(uri.IdnHost, uri.Port);
        Authority = uri.IsDefaultPort ? uri.Host : uri.Authority;
        Path = uri.AbsolutePath == "/" ? "" : uri.AbsolutePath;
    }

    /// <summary>host[:port] of the destination: the Host of a request that came without one.</summary>
    public string Authority { get; }

    /// <summary>The destination's path ("" for none), put before every request's path.</summary>
    public string Path { get; }

    /// <summary>When a request last rented from this pool (<see cref="Stopwatch"/> ticks).</summary>
    public long LastRented { get; private set; } = Stopwatch.GetTimestamp();

    /// <param name="connectTimeout">How long a new connection may take.</param>
    /// <param name="cancellationToken">The request's.</param>
    /// <param name="fresh">True to connect anew even when an idle connection waits: the request failed on a stale one.</param>
    public async ValueTask<UpstreamConnection> RentAsync(TimeSpan connectTimeout, CancellationToken cancellationToken, bool fresh = false)
    {
        LastRented = Stopwatch.GetTimestamp();
        while (!fresh && _idle.TryDequeue(out var idle))
        {
            // Checking costs a poll() per request; under load connections come back within milliseconds, and backends close
            // idle ones after seconds. A request without a body that meets a closed one anyway is sent again (LeanForwarder).
            if (Stopwatch.GetElapsedTime(idle.IdleSince) < StaleCheckAfter || !idle.IsStale())
            {
                return idle;
            }

            idle.Dispose();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
        try
        {
            await socket.ConnectAsync(_endPoint, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // As SocketsHttpHandler reports its connect timeout, so the forwarder reports it as YARP does (504).
            socket.Dispose();
            throw new TaskCanceledException($"Connecting to {_endPoint} took longer than {connectTimeout}.", new TimeoutException());
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new UpstreamConnection(socket);
    }

    /// <summary>Gives a connection whose response ended exactly back for the next request.</summary>
    public void Return(UpstreamConnection connection)
    {
        connection.Reused = true;
        connection.IdleSince = Stopwatch.GetTimestamp();
        _idle.Enqueue(connection);
        if (Volatile.Read(ref _disposed) == 1 && _idle.TryDequeue(out var late))
        {
            late.Dispose();
        }
    }

    /// <summary>Closes the connections idle for longer than <see cref="IdleTimeout"/>; the oldest wait at the head.</summary>
    public void Sweep()
    {
        while (_idle.TryPeek(out var oldest) && Stopwatch.GetElapsedTime(oldest.IdleSince) > IdleTimeout)
        {
            if (_idle.TryDequeue(out var expired))
            {
                expired.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        while (_idle.TryDequeue(out var idle))
        {
            idle.Dispose();
        }
    }
}
