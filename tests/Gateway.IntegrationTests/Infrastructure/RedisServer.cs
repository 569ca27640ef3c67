using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A real <c>redis-server</c> on a free loopback port, without persistence, that a test can kill, freeze and restart.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string NotFound = "redis-server not found: install it (tests/run.sh does)";

    private readonly string _executable;
    private Process? _process;

    private RedisServer(string executable, int port)
    {
        _executable = executable;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a server; fails (never skips) when redis-server is not installed.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var executable = Find() ?? throw new InvalidOperationException(NotFound);
        var server = new RedisServer(executable, FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server process (again, empty) on the same port and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await PingAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING (exited: {_process.HasExited})");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the server: connections drop and its data and script cache are gone.</summary>
    // Waits asynchronously: the caller may be running on a socket event loop (the suite runs with inline completions),
    // and the wait for the server's output to end needs that loop.
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Stops (SIGSTOP) or resumes (SIGCONT) the server: connections stay open but nothing answers.</summary>
    public async Task FreezeAsync(bool frozen)
    {
        using var kill = Process.Start("kill", [frozen ? "-STOP" : "-CONT", _process!.Id.ToString()]);
        await kill.WaitForExitAsync();
    }

    public async Task<bool> PingAsync() => await CommandAsync("PING") == "+PONG";

    /// <summary>Sends one inline command (e.g. <c>SCRIPT FLUSH</c>) and returns the first reply line; null when Redis does not answer.</summary>
    public async Task<string?> CommandAsync(string command)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
            var buffer = new byte[256];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator).Append("/usr/sbin").Append("/usr/bin"))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await FreezeAsync(false);
        }

        await KillAsync();
        _process?.Dispose();
    }
}
