using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// The real gateway on loopback ports, configured by an appsettings.json the test writes (and may rewrite to reload).
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGateway(string directory, WebApplication app)
    {
        Directory = directory;
        _app = app;
        var listeners = app.Services.GetRequiredService<Listeners>();
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{listeners.ProxyPort}"),
        };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listeners.AdminPort}") };
    }

    public string Directory { get; }

    public string AppSettingsPath => Path.Combine(Directory, "appsettings.json");

    /// <summary>Client for the proxy listener; it does not follow redirects.</summary>
    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    /// <summary>The HTTPS listener's port; -1 when HTTPS is off (no certificate configured, no Kubernetes discovery).</summary>
    public int HttpsPort => _app.Services.GetRequiredService<Listeners>().HttpsPort;

    internal IServiceProvider Services => _app.Services;

    /// <summary>Starts a gateway whose <c>Gateway</c> section is <paramref name="gatewaySection"/> (routes, backends, ...).</summary>
    public static Task<TestGateway> StartAsync(object gatewaySection, params string[] extraArgs) =>
        StartAsync(gatewaySection, configure: null, extraArgs);

    /// <summary>As above, with a hook that adjusts the host before it is built (e.g. to add an in-memory exporter).</summary>
    public static async Task<TestGateway> StartAsync(object gatewaySection, Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "gateway-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        await System.IO.File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), AppSettingsJson(gatewaySection));
        string[] args =
        [
            "--Gateway:Listen:Http=http://127.0.0.1:0",
            "--Gateway:Admin:Url=http://127.0.0.1:0",
            "--Gateway:Listen:Https=https://127.0.0.1:0",
            // A test's gateway stops when the test ends, with nothing to drain: the readiness delay that lets a load
            // balancer notice would only add seconds to every test (ProcessTests cover shutdown with it).
            "--Gateway:Shutdown:Delay=00:00:00",
            .. extraArgs,
        ];
        var app = GatewayApp.Build(
            new WebApplicationOptions { Args = args, ContentRootPath = directory },
            builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                configure?.Invoke(builder);
            });
        try
        {
            await GatewayApp.StartAsync(app);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TestGateway(directory, app);
    }

    /// <summary>Rewrites appsettings.json and waits until the gateway applied or rejected it.</summary>
    public async Task<JsonNode> ReloadAsync(object gatewaySection) => await WriteAndWaitAsync(AppSettingsPath, AppSettingsJson(gatewaySection));

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> and waits until the gateway applied or rejected a change.</summary>
    public async Task<JsonNode> WriteAndWaitAsync(string path, string content)
    {
        var before = await GetConfigAsync();
        await System.IO.File.WriteAllTextAsync(path, content);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            var now = await GetConfigAsync();
            if (Marker(now) != Marker(before))
            {
                return now;
            }
        }

        throw new TimeoutException($"The gateway neither applied nor rejected the change to {path} within 15 s.");

        static string Marker(JsonNode config) => $"{config["generation"]}|{config["lastRejected"]?["at"]}";
    }

    public async Task<JsonNode> GetConfigAsync()
    {
        var text = await Admin.GetStringAsync("/config");
        return JsonNode.Parse(text)!;
    }

    public static string AppSettingsJson(object gatewaySection) =>
        JsonSerializer.Serialize(new { Gateway = gatewaySection }, new JsonSerializerOptions { WriteIndented = true });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A watcher may still hold the folder for a moment; the temp folder is cleaned eventually.
        }
    }
}
