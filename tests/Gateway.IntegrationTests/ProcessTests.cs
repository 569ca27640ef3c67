using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Hosting;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests;

/// <summary>The gateway as operators run it: the built executable, its exit codes and its signals.</summary>
[Collection(SerialCollection.Name)]
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
        await WaitReadyAsync(admin, process);

        Assert.Equal(0, Kill(process.Id, 15));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task Sigterm_under_load_fails_readiness_first_keeps_serving_then_drains_with_no_failed_request()
    {
        await using var backend = await TestBackend.StartAsync("model");
        backend.Handler = async context =>
        {
            if (context.Request.Path == "/stream")
            {
                // A long response, as a generating model streams: it ends well after the listener has closed.
                for (var i = 0; i < 40; i++)
                {
                    await context.Response.WriteAsync($"chunk {i}\n");
                    await context.Response.Body.FlushAsync();
                    await Task.Delay(100);
                }

                return;
            }

            await context.Response.WriteAsync("ok");
        };
        var directory = Directory.CreateTempSubdirectory("gateway-process-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), TestGateway.AppSettingsJson(new
        {
            Routes = new object[] { new { Name = "model", Backends = new[] { "model" } } },
            Backends = new Dictionary<string, object> { ["model"] = new { Endpoints = new[] { backend.Url } } },
            Shutdown = new { Delay = "00:00:02", DrainTimeout = "00:00:20" },
        }));
        var (proxyPort, adminPort) = (FreePort(), FreePort());
        using var process = Start(directory, $"--Gateway:Listen:Http=http://127.0.0.1:{proxyPort}", $"--Gateway:Admin:Url=http://127.0.0.1:{adminPort}");
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        using var proxy = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}") };
        await WaitReadyAsync(admin, process);

        // Like kube-proxy: new requests stop once readiness fails, requests already sent must still succeed.
        var ready = true;
        var sent = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var servedAfterReadinessFailed = 0;
        var poller = Task.Run(async () =>
        {
            while (ready)
            {
                try
                {
                    ready = (await admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    ready = false;
                }

                await Task.Delay(20);
            }
        });
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            // Keep sending for a moment after readiness fails: endpoint removal takes time to propagate.
            var stopAt = DateTime.MaxValue;
            while (DateTime.UtcNow < stopAt)
            {
                if (!ready && stopAt == DateTime.MaxValue)
                {
                    stopAt = DateTime.UtcNow.AddMilliseconds(500);
                }

                Interlocked.Increment(ref sent);
                try
                {
                    using var response = await proxy.GetAsync("/x");
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"status {(int)response.StatusCode}");
                    }
                    else if (!ready)
                    {
                        Interlocked.Increment(ref servedAfterReadinessFailed);
                    }
                }
                catch (HttpRequestException ex)
                {
                    failures.Enqueue(ex.Message);
                }
            }
        })).ToArray();
        using var stream = await proxy.GetAsync("/stream", HttpCompletionOption.ResponseHeadersRead);
        var body = new StreamReader(await stream.Content.ReadAsStreamAsync()).ReadToEndAsync();
        await Task.Delay(300);

        Assert.Equal(0, Kill(process.Id, 15));
        await Task.WhenAll(clients);
        await poller;
        var streamed = await body.WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(failures.IsEmpty, $"{failures.Count} of {sent} requests failed: {string.Join("; ", failures.Take(5))}");
        Assert.True(servedAfterReadinessFailed > 0, "no request was served after readiness failed: the listener closed without a delay");
        Assert.Equal(40, streamed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(0, process.ExitCode);
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("--Gateway:Transport:InlineSocketCompletions=true", null, true)]
    [InlineData("--Gateway:Transport:InlineSocketCompletions=true", "0", false)]
    public async Task Inline_socket_completions_run_one_event_loop_per_core_when_turned_on(string? setting, string? environment, bool inline)
    {
        // With inline completions the runtime runs one socket event loop per core (it stays at one otherwise), so the
        // number of its threads shows which mode the process runs in. One core cannot tell the two apart.
        Assert.True(Environment.ProcessorCount > 1, "this test needs more than one core");
        var directory = Directory.CreateTempSubdirectory("gateway-process-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), TestGateway.AppSettingsJson(new { Routes = Array.Empty<object>() }));
        var adminPort = FreePort();
        string[] args = setting is null ? [$"--Gateway:Admin:Url=http://127.0.0.1:{adminPort}"] : [$"--Gateway:Admin:Url=http://127.0.0.1:{adminPort}", setting];
        using var process = Start(directory, new StringBuilder(), environment, args);
        try
        {
            using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
            await WaitReadyAsync(admin, process);

            var eventLoops = Directory.GetDirectories($"/proc/{process.Id}/task")
                .Count(task => File.ReadAllText(Path.Combine(task, "comm")).TrimEnd() == ".NET Sockets");
            Assert.Equal(inline ? Environment.ProcessorCount : 1, eventLoops);
        }
        finally
        {
            process.Kill();
        }
    }

    private static async Task WaitReadyAsync(HttpClient admin, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }

            Assert.False(process.HasExited, "the gateway exited before becoming ready");
            await Task.Delay(100);
        }
    }

    private static async Task<(int ExitCode, string Stderr)> RunAsync(string directory, TimeSpan timeout, params string[] args)
    {
        var stderr = new StringBuilder();
        using var process = Start(directory, stderr, null, args);
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, stderr.ToString());
    }

    private static Process Start(string directory, params string[] args) => Start(directory, new StringBuilder(), null, args);

    /// <summary>Starts the built gateway; its output is always read, or a full pipe would block its logging and then its requests.</summary>
    private static Process Start(string directory, StringBuilder stderr, string? inlineCompletions, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = directory,
        };
        // The gateway's own default decides unless a test sets the runtime's switch; the test runner's setting never leaks in.
        info.Environment.Remove(TransportOptions.InlineCompletionsVariable);
        if (inlineCompletions is not null)
        {
            info.Environment[TransportOptions.InlineCompletionsVariable] = inlineCompletions;
        }

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

        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(line.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
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
