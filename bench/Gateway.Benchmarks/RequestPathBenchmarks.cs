using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Benchmarks;

/// <summary>
/// One request through the real gateway (Kestrel, routing, our middlewares, YARP, SocketsHttpHandler) to a real Kestrel
/// backend on loopback, against the same request sent to the backend directly. The allocation figures are process-wide,
/// so the difference between the two rows is what the gateway allocates per request; it does not depend on machine load
/// the way load-test CPU figures do.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private const string Body = """{"model":"demo","version":"v1","output":[0.12,0.88],"ok":true}""";

    private readonly byte[] _buffer = new byte[4096];
    private WebApplication _backend = null!;
    private WebApplication _gateway = null!;
    private string _directory = null!;
    private HttpClient _client = null!;
    private Uri _direct = null!;
    private Uri _proxied = null!;

    /// <summary>Process settings given to the gateway as command-line arguments.</summary>
    [Params("default", "no-telemetry")]
    public string Settings { get; set; } = "default";

    [GlobalSetup]
    public async Task Setup()
    {
        var backendBuilder = WebApplication.CreateSlimBuilder();
        backendBuilder.Logging.ClearProviders();
        backendBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        _backend = backendBuilder.Build();
        _backend.Run(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(Body);
        });
        await _backend.StartAsync();
        var backend = _backend.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        _directory = Path.Combine(Path.GetTempPath(), "gateway-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(Path.Combine(_directory, "appsettings.json"), JsonSerializer.Serialize(new
        {
            Gateway = new
            {
                Routes = new[]
                {
                    new
                    {
                        Name = "service-a",
                        Matches = new[] { new { Path = "/service-a" } },
                        Filters = new { UrlRewrite = new { Path = new { Type = "ReplacePrefixMatch", Value = "/" } } },
                        Backends = new[] { new { Name = "model-v1", Weight = 90 }, new { Name = "model-v2", Weight = 10 } },
                        RateLimitPolicy = "never-triggers",
                    },
                },
                RateLimitPolicies = new Dictionary<string, object> { ["never-triggers"] = new { Rate = "1000000/s", Burst = 1_000_000 } },
                Backends = new Dictionary<string, object>
                {
                    ["model-v1"] = new { Endpoints = new[] { backend } },
                    ["model-v2"] = new { Endpoints = new[] { backend } },
                },
            },
            Demo = new { Enabled = false },
        }));

        string[] args =
        [
            "--Gateway:Listen:Http=http://127.0.0.1:0",
            "--Gateway:Admin:Url=http://127.0.0.1:0",
            .. Settings == "no-telemetry" ? new[] { "--Gateway:Telemetry:Metrics=false", "--Gateway:Telemetry:Tracing=false" } : [],
        ];
        _gateway = GatewayApp.Build(
            new WebApplicationOptions { Args = args, ContentRootPath = _directory },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await GatewayApp.StartAsync(_gateway);

        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, ActivityHeadersPropagator = null });
        _direct = new Uri(backend + "/predict");
        _proxied = new Uri($"http://127.0.0.1:{_gateway.Services.GetRequiredService<Listeners>().ProxyPort}/service-a/predict");
        await Direct();
        await Gateway();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _gateway.StopAsync();
        await _gateway.DisposeAsync();
        await _backend.StopAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<int> Direct() => SendAsync(_direct);

    [Benchmark]
    public Task<int> Gateway() => SendAsync(_proxied);

    private async Task<int> SendAsync(Uri uri)
    {
        using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var total = 0;
        int read;
        while ((read = await body.ReadAsync(_buffer)) > 0)
        {
            total += read;
        }

        return response.IsSuccessStatusCode ? total : throw new InvalidOperationException($"status {(int)response.StatusCode}");
    }
}
