using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// A backend that answers each request with bytes the test scripts, over a plain socket: what no real server library
/// would send (two lengths, bare line feeds, a close in the middle of a head or body). It reads each request head and its
/// body (Content-Length or chunked) before answering, records them, and keeps the connection unless told to close.
/// </summary>
public sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<string, RawReply> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    private RawBackend(Func<string, RawReply> reply)
    {
        _reply = reply;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    public string Url { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Every request received, head and body, in the order they arrived.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Answers every request with what <paramref name="reply"/> makes of it (the request's head and body as text).</summary>
    public static RawBackend Start(Func<string, RawReply> reply) => new(reply);

    /// <summary>Answers every request with the same bytes.</summary>
    public static RawBackend Start(string response, bool close = false) => new(_ => new RawReply(response, close));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var owned = client;
        var stream = client.GetStream();
        var pending = new StringBuilder();
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var request = await ReadRequestAsync(stream, pending, buffer);
                if (request is null)
                {
                    return;
                }

                Requests.Enqueue(request);
                var reply = _reply(request);
                await stream.WriteAsync(Encoding.Latin1.GetBytes(reply.Bytes), _stop.Token);
                if (reply.Close)
                {
                    client.Client.Shutdown(SocketShutdown.Both);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The gateway closed the connection, or the test ended.
        }
    }

    /// <summary>One request, head and body, or null when the connection closed first.</summary>
    private async Task<string?> ReadRequestAsync(NetworkStream stream, StringBuilder pending, byte[] buffer)
    {
        while (true)
        {
            var text = pending.ToString();
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0)
            {
                var head = text[..(headEnd + 4)];
                var bodyEnd = BodyEnd(head, text, headEnd + 4);
                if (bodyEnd >= 0)
                {
                    pending.Remove(0, bodyEnd);
                    return text[..bodyEnd];
                }
            }

            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return null;
            }

            pending.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }
    }

    /// <summary>Where the request's body ends in <paramref name="text"/>, or -1 when it has not all arrived.</summary>
    private static int BodyEnd(string head, string text, int bodyStart)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                var end = bodyStart + int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                return text.Length >= end ? end : -1;
            }

            if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase))
            {
                var last = text.IndexOf("\r\n0\r\n\r\n", bodyStart - 2, StringComparison.Ordinal);
                return last < 0 ? -1 : last + 7;
            }
        }

        return bodyStart;
    }
}
