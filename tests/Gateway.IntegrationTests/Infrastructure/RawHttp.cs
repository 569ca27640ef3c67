using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Sends bytes no well-behaved client would send, over a plain socket, and reads the status the server answers.</summary>
public static class RawHttp
{
    /// <summary>The status code of the first response, or 0 when the server closed the connection without answering.</summary>
    public static async Task<int> SendAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        }
        catch (IOException)
        {
            // The server may close while a huge request is still being written; its answer, if any, is still readable.
        }

        var response = await ReadAllAsync(stream, TimeSpan.FromSeconds(10));
        return StatusOf(response);
    }

    public static async Task<string> ReadAllAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        var text = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                text.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // A reset after the response still leaves what was read.
        }

        return text.ToString();
    }

    public static int StatusOf(string response) =>
        response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && response.Length >= 12 ? int.Parse(response.AsSpan(9, 3)) : 0;
}
