using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Gateway.Hosting;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Primitives;
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

    [Fact]
    public async Task Config_shows_that_secrets_are_set_but_not_their_values()
    {
        const string BackendCredential = "Bearer backend-credential-5e1d";
        const string ClientKey = "client-key-of-alice-0001";
        await using var backend = await TestBackend.StartAsync("model");
        await using var gateway = await TestGateway.StartAsync(new
        {
            AuthPolicies = new Dictionary<string, object>
            {
                ["keys"] = new { Type = "ApiKey", ApiKey = new { Keys = new[] { new { Id = "alice", Hash = ApiKeyAuthTests.Hash(ClientKey) } } } },
            },
            Routes = new object[]
            {
                new
                {
                    Name = "predict",
                    Matches = new[] { new { Path = "/predict" } },
                    Backends = new[] { "model" },
                    AuthPolicy = "keys",
                    Filters = new { RequestHeaders = new { Set = new Dictionary<string, string> { ["Authorization"] = BackendCredential } } },
                },
            },
            Backends = new Dictionary<string, object> { ["model"] = new { Endpoints = new[] { backend.Url } } },
        });

        // The route really sends the credential to its backend...
        using var request = new HttpRequestMessage(HttpMethod.Get, "/predict") { Headers = { { "X-Api-Key", ClientKey } } };
        var echo = await BackendEcho.ReadAsync(await gateway.Client.SendAsync(request));
        Assert.Equal(BackendCredential, echo.Headers["authorization"]);

        // ...and the admin page shows that it does, without the value, nor the key's hash.
        var text = await gateway.Admin.GetStringAsync("/config");
        Assert.DoesNotContain("backend-credential-5e1d", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeyAuthTests.Hash(ClientKey), text, StringComparison.Ordinal);
        var model = System.Text.Json.Nodes.JsonNode.Parse(text)!["model"]!;
        var set = model["routes"]![0]!["filters"]!["requestHeaders"]!["set"]![0]!;
        Assert.Equal("Authorization", (string)set["key"]!);
        Assert.Equal("(redacted)", (string)set["value"]!);
        Assert.Equal("(redacted)", (string)model["authPolicies"]!["keys"]!["apiKey"]!["keys"]![0]!["hash"]!);
    }

    [Fact]
    public async Task Metrics_can_be_served_alone_on_a_port_of_their_own()
    {
        await using var gateway = await TestGateway.StartAsync(new { Routes = Array.Empty<object>() }, "--Gateway:Admin:MetricsUrl=http://127.0.0.1:0");
        var listeners = gateway.Services.GetRequiredService<Listeners>();
        Assert.True(listeners.MetricsPort > 0);
        Assert.NotEqual(listeners.AdminPort, listeners.MetricsPort);
        using var metricsPort = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listeners.MetricsPort}") };

        Assert.Contains("gateway_config_reloads_total", await metricsPort.GetStringAsync("/metrics"), StringComparison.Ordinal);
        foreach (var page in new[] { "/config", "/routes", "/healthz" })
        {
            using var other = await metricsPort.GetAsync(page);
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            Assert.Equal("metrics port: /metrics\n", await other.Content.ReadAsStringAsync());
        }

        // The admin port keeps everything else, and no longer serves metrics.
        Assert.Equal("ready\n", await gateway.Admin.GetStringAsync("/readyz"));
        using var adminMetrics = await gateway.Admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, adminMetrics.StatusCode);
    }

    [Fact]
    public async Task With_a_token_the_pages_still_answer_on_loopback_and_with_the_token()
    {
        const string Token = "admin-token-0123456789abcdef";
        await using var gateway = await TestGateway.StartAsync(new { Routes = Array.Empty<object>() }, $"--Gateway:Admin:Token={Token}");

        Assert.Contains("\"generation\": 1", await gateway.Admin.GetStringAsync("/config"), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/routes") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using var routes = await gateway.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, routes.StatusCode);
        Assert.DoesNotContain(Token, await gateway.Admin.GetStringAsync("/config"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_admin_token_stops_the_start_with_the_key_named()
    {
        var ex = await Assert.ThrowsAsync<StartupException>(() => TestGateway.StartAsync(new { }, "--Gateway:Admin:Token=short"));
        Assert.Equal(["Gateway:Admin:Token: the token has 5 characters; use at least 16 (e.g. openssl rand -hex 32)"], ex.Errors);
    }
}
