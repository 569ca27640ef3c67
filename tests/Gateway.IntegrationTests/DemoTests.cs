using System.Net;
using System.Text.Json.Nodes;
using Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests;

/// <summary>The repository's own appsettings.json, as `dotnet run --project src/Gateway` serves it.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task The_default_config_routes_and_strips_prefixes_to_the_sample_backends()
    {
        await using var app = GatewayApp.Build(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--Gateway:Listen:Http=http://127.0.0.1:0", "--Gateway:Admin:Url=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"],
        });
        await GatewayApp.StartAsync(app);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.Services.GetRequiredService<Listeners>().ProxyPort}") };

        var a = JsonNode.Parse(await client.GetStringAsync("/service-a/hello?x=1"))!;
        Assert.Equal("service-a", (string)a["backend"]!);
        Assert.Equal("/hello", (string)a["path"]!);
        Assert.Equal("?x=1", (string)a["query"]!);
        Assert.Equal("/service-a", (string)a["forwardedPrefix"]!);

        var b = JsonNode.Parse(await client.GetStringAsync("/service-b"))!;
        Assert.Equal("service-b", (string)b["backend"]!);
        Assert.Equal("/", (string)b["path"]!);

        using var predict = await client.PostAsync("/predict", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, predict.StatusCode);
        var model = JsonNode.Parse(await predict.Content.ReadAsStringAsync())!;
        Assert.Equal("model", (string)model["backend"]!);
        Assert.Equal("/predict", (string)model["path"]!);

        using var unknown = await client.GetAsync("/service-ab");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var anonymous = await client.GetAsync("/secure/hello");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/secure/hello") { Headers = { { "X-Api-Key", "demo-key-123" } } };
        var secure = JsonNode.Parse(await (await client.SendAsync(withKey)).Content.ReadAsStringAsync())!;
        Assert.Equal("/hello", (string)secure["path"]!);
        await app.StopAsync();
    }
}
