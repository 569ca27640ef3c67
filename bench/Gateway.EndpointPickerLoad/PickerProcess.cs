using System.Diagnostics;
using System.Globalization;

/// <summary>
/// The fake endpoint picker in a process of its own (this program started with <c>--picker</c>), so its pauses are not
/// the load generator's; stopping it kills the process, as a crashed or evicted picker pod goes.
/// </summary>
internal sealed class PickerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private PickerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts a picker that always picks <paramref name="endpoint"/>, on <paramref name="port"/> (0: a free one); returns once it listens.</summary>
    public static async Task<PickerProcess> StartAsync(string endpoint, int port)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            ArgumentList = { "--picker", endpoint, port.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The picker process exited before it listened.");
        return new PickerProcess(process, int.Parse(line, CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
