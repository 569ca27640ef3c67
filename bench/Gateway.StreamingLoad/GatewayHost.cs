using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.StreamingLoad;

/// <summary>
/// The child side: a gateway configured by a JSON file, announced with <c>ready PROXY ADMIN</c> on standard output, then
/// a <see cref="MemorySample"/> line every half second until the parent closes standard input.
/// </summary>
internal static class GatewayHost
{
    public const string Argument = "--serve-gateway";

    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(500);

    public static async Task RunAsync(string configPath)
    {
        var section = JsonNode.Parse(await File.ReadAllTextAsync(configPath))!;
        await using var gateway = await TestGateway.StartAsync(section);
        await ServeAsync(gateway.Client.BaseAddress!);
    }

    /// <summary>Announces the proxy's address, then samples this process until the parent closes standard input.</summary>
    public static async Task ServeAsync(Uri proxy)
    {
        Console.WriteLine($"ready {proxy}");
        using var timer = new PeriodicTimer(SampleInterval);
        var sampling = Task.Run(async () =>
        {
            while (await timer.WaitForNextTickAsync())
            {
                Console.WriteLine(MemorySample.Line());
            }
        });
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        timer.Dispose();
        await sampling;
    }
}
