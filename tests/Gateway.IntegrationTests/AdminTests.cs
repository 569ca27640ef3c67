using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Gateway.Hosting;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Sources.File;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.IntegrationTests;

public sealed class AdminTests
{
    [Fact]
    public async Task Admin_endpoints_answer_on_the_admin_port_only()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[] { new { Name = "catch-all", Backends = new[] { "a" } } },
            Backends = new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { backend.Url } } },
        });

        Assert.Equal("ok\n", await gateway.Admin.GetStringAsync("/healthz"));
        Assert.Equal("ready\n", await gateway.Admin.GetStringAsync("/readyz"));

        // On the proxy port the same path is just another request for the catch-all route.
        var echo = await BackendEcho.ReadAsync(await gateway.Client.GetAsync("/healthz"));
        Assert.Equal("/healthz", echo.Path);
        using var unknown = await gateway.Admin.GetAsync("/service-a");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(1, backend.RequestCount);
    }

    [Fact]
    public async Task Version_names_the_release_of_Directory_Build_props_and_the_start_logs_it()
    {
        var release = XDocument.Load(RepositoryFile("Directory.Build.props")).Descendants("Version").Single().Value;
        var logs = new CapturedLogs();
        await using var gateway = await TestGateway.StartAsync(
            new { },
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" });
                builder.Logging.AddProvider(logs);
            });

        var version = JsonNode.Parse(await gateway.Admin.GetStringAsync("/version"))!;

        Assert.Equal(release, (string)version["version"]!);
        Assert.StartsWith(".NET ", (string)version["runtime"]!, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.StartsWith("Information ", StringComparison.Ordinal) && l.Contains($"Gateway {release} (commit ", StringComparison.Ordinal));

        // Only on the admin port.
        using var proxied = await gateway.Client.GetAsync("/version");
        Assert.Equal(HttpStatusCode.NotFound, proxied.StatusCode);
    }

    private static string RepositoryFile(string name, [CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", name));

    [Fact]
    public async Task Config_shows_the_model_being_served()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "predict", Hostnames = new[] { "models.example.com" }, Matches = new[] { new { Path = new { Type = "Exact", Value = "/predict" }, Method = "POST" } }, Backends = new[] { new { Name = "v1", Weight = 3 } } },
            },
            Backends = new Dictionary<string, object> { ["v1"] = new { Endpoints = new[] { "http://127.0.0.1:9" } } },
        });

        var config = await gateway.GetConfigAsync();

        Assert.Equal(1, (int)config["generation"]!);
        Assert.Equal("appsettings", (string)config["sources"]![0]!);
        var route = config["model"]!["routes"]![0]!;
        Assert.Equal("predict", (string)route["name"]!);
        Assert.Equal("models.example.com", (string)route["hostnames"]![0]!);
        Assert.Equal("Exact", (string)route["matches"]![0]!["path"]!["type"]!);
        Assert.Equal("POST", (string)route["matches"]![0]!["method"]!);
        Assert.Equal(3, (int)route["backends"]![0]!["weight"]!);
        Assert.Equal("http://127.0.0.1:9", (string)config["model"]!["backends"]!["v1"]!["endpoints"]![0]!);
    }

    [Fact]
    public async Task Readiness_is_false_until_a_valid_config_is_loaded()
    {
        var directory = Directory.CreateTempSubdirectory("gateway-ready-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), TestGateway.AppSettingsJson(new { Routes = Array.Empty<object>() }));
        await using var app = GatewayApp.Build(new WebApplicationOptions
        {
            ContentRootPath = directory,
            Args = ["--Gateway:Listen:Http=http://127.0.0.1:0", "--Gateway:Admin:Url=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"],
        });

        // Listening before any configuration is loaded: what a probe sees while discovery has not synced yet.
        await app.StartAsync();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.Services.GetRequiredService<Listeners>().AdminPort}") };
        using (var notReady = await admin.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }

        Assert.Empty(await app.Services.GetRequiredService<AppSettingsSource>().LoadAsync());
        using var ready = await admin.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await app.StopAsync();
    }
}
