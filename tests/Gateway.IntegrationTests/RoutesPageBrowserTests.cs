using System.Diagnostics;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>Opens the admin <c>/routes</c> page in a real headless Chromium, as an operator would.</summary>
public sealed class RoutesPageBrowserTests : TwoBackendTest
{
    private static readonly string Chromium = FindChromium();

    [Fact]
    public async Task The_route_table_renders_in_a_browser()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "predict", Matches = new[] { new { Path = "/predict", Method = "POST" } }, Backends = new object[] { new { Name = "a", Weight = 90 }, new { Name = "b", Weight = 10 } } },
                new { Name = "service-a", Matches = new[] { new { Path = "/service-a" } }, Backends = new[] { "a" } },
            },
            Backends,
        });
        for (var i = 0; i < 5; i++)
        {
            (await gateway.Client.GetAsync("/service-a/x")).Dispose();
        }

        var url = new Uri(gateway.Admin.BaseAddress!, "/routes").ToString();
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        var screenshot = Path.Combine(artifacts, "routes.png");
        File.Delete(screenshot);

        var dom = await RunChromiumAsync("--dump-dom", url);
        await RunChromiumAsync($"--screenshot={screenshot}", "--window-size=1280,720", url);

        Assert.Contains("<table id=\"routes\">", dom);
        Assert.Contains("<tr data-route=\"predict\">", dom);
        Assert.Contains("<tr data-route=\"service-a\">", dom);
        Assert.Contains("<code>a</code> 90 (90%), 1 endpoint", dom);
        Assert.True(new FileInfo(screenshot).Length > 5_000, $"the screenshot {screenshot} is missing or blank");
    }

    private static async Task<string> RunChromiumAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={Directory.CreateTempSubdirectory("gateway-chromium-").FullName}", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {await errors}");
        return await output;
    }

    private static string FindChromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("chromium not found: install it with 'apt-get install chromium' (tests/run.sh does this).");
}
