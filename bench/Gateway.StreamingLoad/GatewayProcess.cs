using System.Diagnostics;
using System.Text.Json;

namespace Gateway.StreamingLoad;

/// <summary>
/// A proxy in a child process of its own (this program with <see cref="GatewayHost.Argument"/> or
/// <see cref="FloorHost.Argument"/>), so the memory and CPU it reports are its alone; its samples are kept with the
/// parent's clock.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _configPath;
    private readonly Stopwatch _clock;
    private readonly List<MemorySample> _samples = [];
    private readonly Task _reading;
    private readonly Task<string> _errors;

    private GatewayProcess(Process process, string? configPath, Stopwatch clock, TaskCompletionSource<string> ready)
    {
        _process = process;
        _configPath = configPath;
        _clock = clock;
        _errors = process.StandardError.ReadToEndAsync();
        _reading = ReadAsync(ready);
    }

    /// <summary>A client of the gateway's proxy listener, connections of its own.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The gateway configured with <paramref name="gatewaySection"/> (its <c>Gateway</c> section).</summary>
    public static async Task<GatewayProcess> StartGatewayAsync(string name, object gatewaySection, Stopwatch clock)
    {
        var configPath = Path.Combine(Path.GetTempPath(), $"gateway-streaming-{name}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(gatewaySection));
        return await StartAsync([GatewayHost.Argument, configPath], configPath, clock);
    }

    /// <summary>Bare YARP forwarding to the model server and the stream source (<see cref="FloorHost"/>).</summary>
    public static Task<GatewayProcess> StartFloorAsync(string modelServer, string streamSource, Stopwatch clock) =>
        StartAsync([FloorHost.Argument, modelServer, streamSource], null, clock);

    /// <summary>The newest sample; waits for one received after <paramref name="after"/>.</summary>
    public async Task<MemorySample> SampleAfterAsync(TimeSpan after)
    {
        while (true)
        {
            lock (_samples)
            {
                if (_samples.Count > 0 && _samples[^1].At > after)
                {
                    return _samples[^1];
                }
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The samples received between two moments.</summary>
    public List<MemorySample> Between(TimeSpan from, TimeSpan to)
    {
        lock (_samples)
        {
            return _samples.FindAll(s => s.At > from && s.At <= to);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _process.StandardInput.Close();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _reading;
        _process.Dispose();
        if (_configPath is not null)
        {
            File.Delete(_configPath);
        }
    }

    private static async Task<GatewayProcess> StartAsync(string[] arguments, string? configPath, Stopwatch clock)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Under `dotnet Gateway.StreamingLoad.dll` the process is the dotnet host, which needs the assembly again.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(GatewayProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gateway = new GatewayProcess(Process.Start(info)!, configPath, clock, ready);
        var line = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        gateway.Client = Clients.Create(new Uri(line.Split(' ')[1]));
        return gateway;
    }

    private async Task ReadAsync(TaskCompletionSource<string> ready)
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(MemorySample.Prefix, StringComparison.Ordinal))
            {
                var sample = MemorySample.Parse(line, _clock.Elapsed);
                lock (_samples)
                {
                    _samples.Add(sample);
                }
            }
            else if (line.StartsWith("ready ", StringComparison.Ordinal))
            {
                ready.TrySetResult(line);
            }
        }

        ready.TrySetException(new InvalidOperationException($"The gateway process exited before it was ready: {await _errors}"));
    }
}
