using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

/// <summary>One build of the gateway in a process of its own, discovering from the fake API server through a kubeconfig.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private GatewayProcess(string name, Process process, string directory, int proxyPort, int adminPort)
    {
        Name = name;
        _process = process;
        _directory = directory;
        // HTTP/1.1 as clients of model servers mostly speak it; the pool grows to as many connections as requests overlap.
        Client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}"),
        };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
    }

    public string Name { get; }

    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    /// <summary>User plus kernel CPU time the gateway process has used.</summary>
    public TimeSpan Cpu
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<GatewayProcess> StartAsync(string name, string dll, string kubeconfig)
    {
        var directory = Directory.CreateTempSubdirectory("gateway-epp-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), """{ "Gateway": { }, "Demo": { "Enabled": false } }""");
        int proxyPort = FreePort(), adminPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "exec", dll, $"--contentRoot={directory}",
                $"--Gateway:Listen:Http=http://127.0.0.1:{proxyPort}", $"--Gateway:Admin:Url=http://127.0.0.1:{adminPort}",
                "--Gateway:Listen:Https=https://127.0.0.1:0",
                "--Gateway:Kubernetes:Enabled=true", $"--Gateway:Kubernetes:Kubeconfig={kubeconfig}",
                "--Gateway:Inference:EndpointPicker:Tls=false", "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"{name}: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new GatewayProcess(name, process, directory, proxyPort, adminPort);
        while (!await gateway.IsReadyAsync())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} ({dll}) exited with {process.ExitCode} before it was ready.");
            }

            await Task.Delay(50);
        }

        return gateway;
    }

    /// <summary>Waits until <paramref name="host"/> is served (a 200), i.e. its route and endpoints are applied.</summary>
    public async Task WaitForAsync(string host)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Host = host } };
            using var response = await Client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Name} does not serve {host} after 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Admin.GetAsync("/readyz");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
