using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>The gateway as operators run it: the built executable, its exit codes and its signals.</summary>
public sealed class ProcessTests
{
    private static readonly string GatewayDll = Path.Combine(AppContext.BaseDirectory, "Gateway.dll");

    [Fact]
    public async Task Invalid_startup_config_exits_non_zero_with_one_clear_line_per_problem()
    {
        var directory = Directory.CreateTempSubdirectory("gateway-process-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), TestGateway.AppSettingsJson(new
        {
            Routes = new object[] { new { Name = "predict", Matches = new[] { new { Path = "predict" } }, Backends = new[] { "model" } } },
        }));

        var (exitCode, stderr) = await RunAsync(directory, TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l == "gateway: invalid configuration: appsettings: route 'predict', field 'Matches[0].Path.Value': 'predict' must start with '/'");
        Assert.Contains(lines, l => l.StartsWith("gateway: invalid configuration: appsettings: route 'predict', field 'Backends[0].Name': backend 'model' is not defined", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_listen_address_exits_non_zero()
    {
        var directory = Directory.CreateTempSubdirectory("gateway-process-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), TestGateway.AppSettingsJson(new { Routes = Array.Empty<object>() }));

        var (exitCode, stderr) = await RunAsync(directory, TimeSpan.FromSeconds(60), "--Gateway:Listen:Http=tcp://nowhere");

        Assert.Equal(1, exitCode);
        Assert.Contains("gateway: invalid configuration: Gateway:Listen:Http 'tcp://nowhere' is not an http:// address", stderr);
    }

    [Fact]
    public async Task Sigterm_drains_and_exits_zero()
    {
        var directory = Directory.CreateTempSubdirectory("gateway-process-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), TestGateway.AppSettingsJson(new { Routes = Array.Empty<object>() }));
        var adminPort = FreePort();
        using var process = Start(directory, $"--Gateway:Admin:Url=http://127.0.0.1:{adminPort}");
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }

            Assert.False(process.HasExited, "the gateway exited before becoming ready");
            await Task.Delay(100);
        }

        Assert.Equal(0, Kill(process.Id, 15));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, process.ExitCode);
    }

    private static async Task<(int ExitCode, string Stderr)> RunAsync(string directory, TimeSpan timeout, params string[] args)
    {
        using var process = Start(directory, args);
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await stderr);
    }

    private static Process Start(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = directory,
        };
        info.ArgumentList.Add(GatewayDll);
        info.ArgumentList.Add($"--contentRoot={directory}");
        info.ArgumentList.Add("--Demo:Enabled=false");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Loopback on a free port unless the test chose otherwise.
        foreach (var (key, value) in new[] { ("--Gateway:Listen:Http", "http://127.0.0.1:0"), ("--Gateway:Admin:Url", "http://127.0.0.1:0") })
        {
            if (!args.Any(a => a.StartsWith(key, StringComparison.Ordinal)))
            {
                info.ArgumentList.Add($"{key}={value}");
            }
        }

        return Process.Start(info)!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
