using System.Net;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

public sealed class TransportTests
{
    [Fact]
    public async Task Inline_scheduling_on_thread_pool_queues_still_serves_concurrent_keep_alive_clients()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync(
            new
            {
                Routes = new object[] { new { Name = "r", Matches = new[] { new { Path = "/service-a" } }, Backends = new[] { "a" } } },
                Backends = new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { backend.Url } } },
            },
            "--Gateway:Transport:UnsafePreferInlineScheduling=true",
            "--Gateway:Transport:IOQueueCount=0",
            "--Gateway:Transport:WaitForDataBeforeAllocatingBuffer=false");

        var clients = Enumerable.Range(0, 8).Select(async _ =>
        {
            var paths = new List<string>();
            for (var i = 0; i < 25; i++)
            {
                using var response = await gateway.Client.GetAsync($"/service-a/x/{i}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                paths.Add((await BackendEcho.ReadAsync(response)).Path);
            }

            return paths;
        });

        var served = (await Task.WhenAll(clients)).SelectMany(p => p).ToList();
        Assert.Equal(200, served.Count);
        Assert.Equal(200, backend.RequestCount);
        Assert.All(served, path => Assert.StartsWith("/service-a/x/", path));
    }

    [Fact]
    public async Task An_out_of_range_queue_count_stops_start_up_with_its_name()
    {
        var error = await Assert.ThrowsAsync<Gateway.Primitives.StartupException>(() => TestGateway.StartAsync(new { }, "--Gateway:Transport:IOQueueCount=-1"));

        Assert.Contains("Gateway:Transport:IOQueueCount -1 must be between 0 (thread pool) and 64", error.Errors);
    }
}
