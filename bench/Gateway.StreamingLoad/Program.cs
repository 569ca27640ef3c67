using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Gateway.ModelServerSimulator;
using Gateway.StreamingLoad;

// Streaming through the real gateway, beside the model server reached directly, in one run:
// 1. time to the first Server-Sent Event of a streamed chat completion (a simulated model server, first token at once):
//    direct; through bare YARP forwarding (the floor of any YARP-based proxy); through a gateway routing by path alone
//    (model from the body off, so nothing is metered); through a gateway whose route matches the model read from the
//    body (an inference request: its response passes the usage scanner for the token metrics); through a gateway whose
//    route also has a token budget, so the request is made to ask for its usage, which is charged. Requests one at a time, interleaved request by request
//    (A B C D E A B C D E ...), the order rotated every round; also each proxy's CPU time per request.
// 2. one streamed completion of a gigabyte of chunk events through each, in rotated order, after a 64 MB warm-up
//    stream: throughput, each proxy's CPU time per gigabyte, and its working set and GC heap sampled every 0.5 s.
// Each proxy runs in a child process of its own (this program with --serve-gateway or --serve-floor), so the memory and
// CPU it reports are its own.
// Usage: dotnet run -c Release --project bench/Gateway.StreamingLoad -- [requests per round [rounds [megabytes [stream rounds]]]]
if (args is [GatewayHost.Argument, var configPath])
{
    await GatewayHost.RunAsync(configPath);
    return;
}

if (args is [FloorHost.Argument, var modelServer, var streamSource])
{
    await FloorHost.RunAsync(modelServer, streamSource);
    return;
}

var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var megabytes = args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 1024;
var streamRounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
const int WarmupRequests = 200;
const long WarmupStreamBytes = 64L * 1024 * 1024;
const string Done = "data: [DONE]\n\n";

var clock = Stopwatch.StartNew();
await using var pod = await SimulatedModelServer.StartAsync("pod", new SimulatorOptions
{
    MaxRunning = 64,
    TimePerOutputToken = TimeSpan.FromMilliseconds(1),
    PrefillTimePerPromptToken = TimeSpan.Zero,
});
await using var firehose = await SseFirehose.StartAsync();
await using var floor = await GatewayProcess.StartFloorAsync(pod.Url, firehose.Url, clock);
await using var byPath = await GatewayProcess.StartGatewayAsync("by-path", PathSection(), clock);
await using var plain = await GatewayProcess.StartGatewayAsync("model-from-body", Section(budget: false), clock);
await using var budgeted = await GatewayProcess.StartGatewayAsync("token-budget", Section(budget: true), clock);
using var direct = Clients.Create(new Uri(pod.Url));
using var directStreams = Clients.Create(new Uri(firehose.Url));
Contender[] contenders =
[
    new("direct", direct, directStreams, null),
    new("yarp floor", floor.Client, floor.Client, floor),
    new("gateway, routed by path", byPath.Client, byPath.Client, byPath),
    new("gateway", plain.Client, plain.Client, plain),
    new("gateway + token budget", budgeted.Client, budgeted.Client, budgeted),
];

// 1. Time to first event.
Console.WriteLine($"Load average {LoadAverage()}.");
Console.WriteLine($"Time to first event: {rounds} rounds of {requests} requests per contender, one at a time, interleaved, after {WarmupRequests} each to warm up.");
var buffer = new byte[64 * 1024];
foreach (var contender in contenders)
{
    for (var i = 0; i < WarmupRequests; i++)
    {
        await FirstEventAsync(contender.Completions, buffer);
    }
}

var cpuBefore = await CpuSamplesAsync(contenders, clock.Elapsed);
var firstEvents = contenders.ToDictionary(c => c, _ => new List<double>());
var roundMedians = contenders.ToDictionary(c => c, _ => new List<double>());
for (var round = 0; round < rounds; round++)
{
    var order = Rotate(contenders, round);
    var thisRound = contenders.ToDictionary(c => c, _ => new List<double>());
    for (var i = 0; i < requests; i++)
    {
        foreach (var contender in order)
        {
            thisRound[contender].Add(await FirstEventAsync(contender.Completions, buffer));
        }
    }

    foreach (var contender in contenders)
    {
        firstEvents[contender].AddRange(thisRound[contender]);
        roundMedians[contender].Add(Percentile(thisRound[contender], 0.5));
    }

    Console.WriteLine($"round {round + 1} ({string.Join(", ", order.Select(c => c.Name))}): p50 " +
        string.Join(", ", contenders.Select(c => Invariant($"{c.Name} {roundMedians[c][^1]:F3} ms"))));
}

var cpuAfter = await CpuSamplesAsync(contenders, clock.Elapsed);
var directP50 = Percentile(firstEvents[contenders[0]], 0.5);
var directP99 = Percentile(firstEvents[contenders[0]], 0.99);
Console.WriteLine();
Console.WriteLine($"Load average {LoadAverage()}.");
Console.WriteLine();
Console.WriteLine("| Contender | Requests | p50 (ms) | p99 (ms) | p50 − direct (ms) | p99 − direct (ms) | p50 − direct per round (ms) | Proxy CPU per request (µs) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---|---:|");
foreach (var contender in contenders)
{
    var times = firstEvents[contender];
    var p50 = Percentile(times, 0.5);
    var p99 = Percentile(times, 0.99);
    var perRound = string.Join(" / ", roundMedians[contender].Select((m, i) => Invariant($"{m - roundMedians[contenders[0]][i]:+0.000;-0.000}")));
    var cpu = contender.Gateway is null ? "–" : Invariant($"{(cpuAfter[contender] - cpuBefore[contender]).TotalMicroseconds / times.Count:F0}");
    Console.WriteLine(Invariant($"| {contender.Name} | {times.Count} | {p50:F3} | {p99:F3} | {p50 - directP50:+0.000;-0.000} | {p99 - directP99:+0.000;-0.000} | {perRound} | {cpu} |"));
}

// 2. One long stream per contender and round.
var streamBytes = megabytes * 1024 * 1024;
Console.WriteLine();
Console.WriteLine(Invariant($"Long stream: {SseFirehose.StreamLength(streamBytes) / 1024.0 / 1024:F0} MB per stream, {streamRounds} round(s), memory sampled every {GatewayHost.SampleInterval.TotalSeconds} s."));
foreach (var contender in contenders)
{
    await StreamAsync(contender.Streams, WarmupStreamBytes, "warm-up", buffer);
}

var streams = new List<StreamResult>();
for (var round = 0; round < streamRounds; round++)
{
    foreach (var contender in Rotate(contenders, round))
    {
        var gateway = contender.Gateway;
        MemorySample? before = gateway is null ? null : await gateway.SampleAfterAsync(clock.Elapsed);
        var start = clock.Elapsed;
        var bytes = await StreamAsync(contender.Streams, streamBytes, $"stream-{round}", buffer);
        var end = clock.Elapsed;
        MemorySample? after = gateway is null ? null : await gateway.SampleAfterAsync(end);
        var result = new StreamResult(contender, bytes, end - start, before, gateway?.Between(start, end) ?? [], after);
        streams.Add(result);
        Console.WriteLine(Invariant($"round {round + 1}: {contender.Name} {result.MegabytesPerSecond:F0} MB/s"));
    }
}

Console.WriteLine($"Load average {LoadAverage()}.");
Console.WriteLine();
Console.WriteLine("| Contender | Round | MB/s | × direct | Proxy CPU per GB (s) | Working set start / max / end (MB) | GC heap start / max / end (MB) | Allocated per MB streamed | Gen-2 GCs | Samples |");
Console.WriteLine("|---|---:|---:|---:|---:|---|---|---:|---:|---:|");
foreach (var result in streams.OrderBy(r => Array.IndexOf(contenders, r.Contender)).ThenBy(r => streams.IndexOf(r)))
{
    var round = streams.Where(r => r.Contender == result.Contender).ToList().IndexOf(result) + 1;
    var directSpeed = streams.Where(r => r.Contender == contenders[0]).ElementAt(round - 1).MegabytesPerSecond;
    var memory = result.Before is not { } before || result.After is not { } after
        ? "– | – | – | – | – | –"
        : Invariant($"{result.CpuSecondsPerGigabyte:F2} | {Mb(before.WorkingSet)} / {Mb(result.MaxWorkingSet)} / {Mb(after.WorkingSet)} | {Mb(before.GcHeap)} / {Mb(result.MaxGcHeap)} / {Mb(after.GcHeap)} | {result.AllocatedPerMegabyte:F0} B | {result.Gen2Collections} | {result.During.Count}");
    Console.WriteLine(Invariant($"| {result.Contender.Name} | {round} | {result.MegabytesPerSecond:F0} | {result.MegabytesPerSecond / directSpeed:F2} | {memory} |"));
}

object Section(bool budget) => new
{
    RateLimitPolicies = budget ? new Dictionary<string, object> { ["tokens"] = new { Unit = "Tokens", Rate = "1000000/s", Key = "header:X-Caller" } } : null,
    Routes = new[] { Route("llm", "sim-model", "pod", budget), Route("firehose", SseFirehose.Model, "firehose", budget) },
    Backends = new Dictionary<string, object>
    {
        ["pod"] = new { Endpoints = new[] { pod.Url } },
        ["firehose"] = new { Endpoints = new[] { firehose.Url } },
    },
};

// Without the model read from the body, requests are not metered: no usage scanner in the path.
object PathSection() => new
{
    Inference = new { ModelFromBody = new { Enabled = false } },
    Routes = new object[]
    {
        new { Name = "llm", Matches = new[] { new { Path = "/v1" } }, Backends = new[] { "pod" } },
        new { Name = "firehose", Matches = new[] { new { Path = "/v1", Headers = new[] { new { Name = FloorHost.StreamHeader, Value = "1" } } } }, Backends = new[] { "firehose" } },
    },
    Backends = new Dictionary<string, object>
    {
        ["pod"] = new { Endpoints = new[] { pod.Url } },
        ["firehose"] = new { Endpoints = new[] { firehose.Url } },
    },
};

static object Route(string name, string model, string backend, bool budget) => new
{
    Name = name,
    Matches = new[] { new { Path = "/v1", Headers = new[] { new { Name = "X-Gateway-Model-Name", Value = model } } } },
    Backends = new[] { backend },
    TokenLimitPolicy = budget ? "tokens" : null,
};

static HttpRequestMessage Completion(string model, long maxTokens, string caller)
{
    var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent(
            Invariant($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Say something."}],"max_tokens":{{maxTokens}},"stream":true}"""),
            Encoding.UTF8,
            "application/json"),
    };
    request.Headers.Add("X-Caller", caller);
    if (model == SseFirehose.Model)
    {
        request.Headers.Add(FloorHost.StreamHeader, "1");
    }

    return request;
}

// Milliseconds from sending the request to holding the first whole event (its blank line read); the rest is read to the end.
static async Task<double> FirstEventAsync(HttpClient client, byte[] buffer)
{
    using var request = Completion("sim-model", 4, "first-event");
    var start = Stopwatch.GetTimestamp();
    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"{client.BaseAddress} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    await using var body = await response.Content.ReadAsStreamAsync();
    var first = double.NaN;
    var lineFeed = false;
    var text = new StringBuilder();
    int read;
    while ((read = await body.ReadAsync(buffer)) > 0)
    {
        for (var i = 0; double.IsNaN(first) && i < read; i++)
        {
            if (buffer[i] == (byte)'\n' && lineFeed)
            {
                first = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            lineFeed = buffer[i] == (byte)'\n';
        }

        text.Append(Encoding.UTF8.GetString(buffer, 0, read));
    }

    return !double.IsNaN(first) && text.ToString().EndsWith(Done, StringComparison.Ordinal)
        ? first
        : throw new InvalidOperationException($"{client.BaseAddress} sent an incomplete stream: {text}");
}

// Reads one stream of about `bytes` to its end; returns the bytes received.
static async Task<long> StreamAsync(HttpClient client, long bytes, string caller, byte[] buffer)
{
    using var request = Completion(SseFirehose.Model, bytes, caller);
    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"{client.BaseAddress} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    await using var body = await response.Content.ReadAsStreamAsync();
    var tail = new byte[Done.Length];
    long total = 0;
    int read;
    while ((read = await body.ReadAsync(buffer)) > 0)
    {
        total += read;
        if (read >= tail.Length)
        {
            buffer.AsSpan(read - tail.Length, tail.Length).CopyTo(tail);
        }
        else
        {
            tail.AsSpan(read).CopyTo(tail);
            buffer.AsSpan(0, read).CopyTo(tail.AsSpan(tail.Length - read));
        }
    }

    return total == SseFirehose.StreamLength(bytes) && Encoding.UTF8.GetString(tail) == Done
        ? total
        : throw new InvalidOperationException($"{client.BaseAddress} sent {total} bytes of {SseFirehose.StreamLength(bytes)}, ending '{Encoding.UTF8.GetString(tail)}'");
}

static Contender[] Rotate(Contender[] contenders, int by) => [.. contenders.Skip(by % contenders.Length), .. contenders.Take(by % contenders.Length)];

// Nearest rank.
static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

// Each proxy's CPU time now (after its next sample).
static async Task<Dictionary<Contender, TimeSpan>> CpuSamplesAsync(Contender[] contenders, TimeSpan after)
{
    var cpu = new Dictionary<Contender, TimeSpan>();
    foreach (var contender in contenders)
    {
        cpu[contender] = contender.Gateway is { } gateway ? (await gateway.SampleAfterAsync(after)).Cpu : TimeSpan.Zero;
    }

    return cpu;
}

static string LoadAverage() => string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + " (1 / 5 / 15 min)";

static string Mb(long bytes) => Invariant($"{bytes / 1024.0 / 1024:F1}");

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
