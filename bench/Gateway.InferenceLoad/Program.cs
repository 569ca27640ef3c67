using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.ModelServerSimulator;

// Inference load through the real gateway: 4 simulated model servers (one at half speed) behind one backend, open-loop
// Poisson arrivals at 80 % of the pool's capacity, streamed chat completions, the same seeded arrivals for every
// balancing mode. Prints p50/p90/p99 time to first token (from the scheduled arrival, so a late send counts as waiting)
// and errors per mode.
// Usage: dotnet run -c Release --project bench/Gateway.InferenceLoad [seconds per mode [load fraction [modes]]]
// where modes is a comma-separated order such as LoadAware,LeastRequests (default RoundRobin,LeastRequests,LoadAware).
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;
var loadFraction = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0.8;
var modes = args.Length > 2 ? args[2].Split(',') : ["RoundRobin", "LeastRequests", "LoadAware"];
const int WarmupSeconds = 5;
const int MeanTokens = 32;

var pod = new SimulatorOptions { MaxRunning = 4, TimePerOutputToken = TimeSpan.FromMilliseconds(10), PrefillTimePerPromptToken = TimeSpan.FromMilliseconds(0.5) };
SimulatedModelServer[] pods =
[
    await SimulatedModelServer.StartAsync("pod-1", pod),
    await SimulatedModelServer.StartAsync("pod-2", pod),
    await SimulatedModelServer.StartAsync("pod-3", pod),
    await SimulatedModelServer.StartAsync("pod-slow", pod with { SpeedFactor = 0.5 }),
];

// Capacity: each pod runs MaxRunning requests at once, each taking MeanTokens tokens at its speed.
var capacity = pods.Sum(p => p.Options.MaxRunning * p.Options.SpeedFactor / (MeanTokens * p.Options.TimePerOutputToken.TotalSeconds));
var rate = capacity * loadFraction;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pool capacity {capacity:F1} req/s; offered {rate:F1} req/s ({loadFraction:P0}); {seconds} s per mode after {WarmupSeconds} s warm-up"));

var results = new List<ArmResult>();
foreach (var name in modes)
{
    object balancing = name == "LoadAware" ? new { Mode = "LoadAware", ScrapeInterval = "1s" } : name;
    await using var gateway = await TestGateway.StartAsync(new
    {
        Routes = new[] { new { Name = "llm", Matches = new[] { new { Path = "/v1" } }, Backends = new[] { "llm" } } },
        Backends = new Dictionary<string, object> { ["llm"] = new { Endpoints = pods.Select(p => p.Url).ToArray(), LoadBalancing = balancing } },
    });
    await WaitIdleAsync(pods);
    var servedBefore = pods.Select(p => p.Served).ToArray();
    var result = await RunAsync(gateway, name, rate, seconds);
    await WaitIdleAsync(pods);
    var queued = (await gateway.Admin.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("gateway_inference_queued_total{", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    results.Add(result with { Served = [.. pods.Select((p, i) => p.Served - servedBefore[i])], QueuedAtGateway = (int)queued });
    Console.WriteLine(results[^1].Row());
}

Console.WriteLine();
Console.WriteLine("| Mode | Requests | Errors | TTFT p50 (ms) | TTFT p90 (ms) | TTFT p99 (ms) | Served by pod-1 / pod-2 / pod-3 / pod-slow (incl. warm-up) | Held at the gateway |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---|---:|");
foreach (var result in results)
{
    Console.WriteLine(result.Row());
}

if (results.Find(r => r.Mode == "RoundRobin") is { } roundRobin && results.FindLast(r => r.Mode == "LoadAware") is { } loadAware)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nLoadAware p99 TTFT is {1 - (loadAware.Percentile(0.99) / roundRobin.Percentile(0.99)):P0} lower than RoundRobin's."));
}
foreach (var p in pods)
{
    await p.DisposeAsync();
}

static async Task<ArmResult> RunAsync(TestGateway gateway, string mode, double rate, int seconds)
{
    // The same seed for every mode: the same arrival times and output lengths.
    var random = new Random(20261207);
    var total = WarmupSeconds + seconds;
    var ttfts = new List<double>();
    var errors = 0;
    var sent = 0;
    var requests = new List<Task>();
    var clock = Stopwatch.StartNew();
    var at = 0.0;
    while (true)
    {
        at += -Math.Log(1 - random.NextDouble()) / rate;
        if (at >= total)
        {
            break;
        }

        var tokens = random.Next(MeanTokens / 2, MeanTokens * 3 / 2 + 1);
        var wait = at - clock.Elapsed.TotalSeconds;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait));
        }

        var measured = at >= WarmupSeconds;
        var scheduled = at;
        requests.Add(Task.Run(async () =>
        {
            var (ttft, ok) = await SendAsync(gateway.Client, tokens, clock, scheduled);
            if (!measured)
            {
                return;
            }

            lock (ttfts)
            {
                sent++;
                if (ok)
                {
                    ttfts.Add(ttft);
                }
                else
                {
                    errors++;
                }
            }
        }));
    }

    await Task.WhenAll(requests);
    return new ArmResult(mode, sent, errors, [.. ttfts], [], 0);
}

static async Task<(double TtftMs, bool Ok)> SendAsync(HttpClient client, int tokens, Stopwatch clock, double scheduled)
{
    try
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$$"""{"model":"sim-model","messages":[{"role":"user","content":"Summarise the plot of a short novel in a few sentences, please."}],"max_tokens":{{{tokens}}},"stream":true}""",
                Encoding.UTF8,
                "application/json"),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (0, false);
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        var first = double.NaN;
        int read;
        var text = new StringBuilder();
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            if (double.IsNaN(first))
            {
                first = (clock.Elapsed.TotalSeconds - scheduled) * 1000;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return (first, text.ToString().EndsWith("data: [DONE]\n\n", StringComparison.Ordinal));
    }
    catch (HttpRequestException)
    {
        return (0, false);
    }
}

static async Task WaitIdleAsync(SimulatedModelServer[] pods)
{
    while (pods.Any(p => p.Running + p.Waiting > 0))
    {
        await Task.Delay(100);
    }
}
