using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests;

public sealed class StatusCodeTests
{
    [Fact]
    public async Task No_matching_route_is_404_with_a_problem_document()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[] { new { Name = "r", Matches = new[] { new { Path = "/a" } }, Backends = new[] { "a" } } },
            Backends = new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { backend.Url } } },
        });

        using var response = await gateway.Client.GetAsync("/b");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(404, (int)body["status"]!);
        Assert.Equal(0, backend.RequestCount);
    }

    [Fact]
    public async Task Backend_without_endpoints_is_503()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[] { new { Name = "r", Backends = new[] { "empty" } } },
            Backends = new Dictionary<string, object> { ["empty"] = new { Endpoints = Array.Empty<string>() } },
        });

        using var response = await gateway.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Backend_refusing_connections_is_502()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[] { new { Name = "r", Backends = new[] { "down" } } },
            Backends = new Dictionary<string, object> { ["down"] = new { Endpoints = new[] { $"http://127.0.0.1:{UnusedPort()}" } } },
        });

        using var response = await gateway.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Backend_slower_than_the_route_timeout_is_504_and_other_routes_are_unaffected()
    {
        await using var slow = await TestBackend.StartAsync("slow");
        slow.Handler = async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            await context.Response.WriteAsync("late");
        };
        await using var fast = await TestBackend.StartAsync("fast");
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "slow", Matches = new[] { new { Path = "/slow" } }, Backends = new[] { "slow" }, Timeout = "300ms" },
                new { Name = "fast", Matches = new[] { new { Path = "/fast" } }, Backends = new[] { "fast" }, Timeout = "300ms" },
            },
            Backends = new Dictionary<string, object>
            {
                ["slow"] = new { Endpoints = new[] { slow.Url } },
                ["fast"] = new { Endpoints = new[] { fast.Url } },
            },
        });

        var started = DateTime.UtcNow;
        using var response = await gateway.Client.GetAsync("/slow");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the gateway waited for the slow backend instead of timing out");
        using var other = await gateway.Client.GetAsync("/fast");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Route_to_an_unresolved_backend_is_500()
    {
        await using var gateway = await TestGateway.StartAsync(new { Routes = Array.Empty<object>() });
        var store = (Gateway.Model.Store.ModelStore)gateway.Services.GetService(typeof(Gateway.Model.Store.ModelStore))!;

        // Discovered sources (e.g. a route to a deleted Service) mark a backend unresolved rather than failing validation.
        var model = new Gateway.Model.GatewayModel
        {
            Routes = [new Gateway.Model.RouteModel { Name = "orphan", Source = "test", Matches = [new Gateway.Model.RouteMatch()], Backends = [new Gateway.Model.BackendRef("gone")] }],
            Backends = System.Collections.Immutable.ImmutableDictionary<string, Gateway.Model.BackendModel>.Empty
                .Add("gone", new Gateway.Model.BackendModel { Name = "gone", Source = "test", UnresolvedReason = "Service default/gone not found" }),
        };
        Assert.Empty(await store.PublishAsync(new Gateway.Model.SourceSnapshot("test", model, []), precedence: 1000));

        using var response = await gateway.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Service default/gone not found", await response.Content.ReadAsStringAsync());
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
