using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.ModelServerSimulator;

// Token-budget accuracy through the real gateway: one caller far over its budget (concurrent loops of chat completions,
// half of them streamed, each honouring Retry-After on 429) for a few minutes, then the tokens admitted (the usage of
// every answered request, by the minute it was sent) against the budget. "local" runs one gateway; "global" two
// gateways with their own Redis connection and one redis-server, the loops split between them.
// Usage: dotnet run -c Release --project bench/Gateway.TokenBudgetLoad [local|global [minutes [loops]]]
var mode = args.Length > 0 ? args[0] : "local";
var minutes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var loops = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4;
const int TokensPerMinute = 30_000;
const int Burst = 1_000;

await using var server = await SimulatedModelServer.StartAsync("pod-0", new SimulatorOptions
{
    MaxRunning = 64,
    TimePerOutputToken = TimeSpan.FromMilliseconds(0.5),
    PrefillTimePerPromptToken = TimeSpan.Zero,
});
await using var redis = mode == "global" ? await RedisServer.StartAsync() : null;
object budget = redis is null
    ? new { Unit = "Tokens", Rate = $"{TokensPerMinute}/m", Burst, Key = "header:X-Caller" }
    : new { Unit = "Tokens", Rate = $"{TokensPerMinute}/m", Burst, Key = "header:X-Caller", Mode = "Global", FailMode = "Closed", Timeout = "1s" };
var section = new
{
    RateLimiting = redis is null ? null : new { Redis = redis.ConnectionString },
    RateLimitPolicies = new Dictionary<string, object> { ["tokens"] = budget },
    Routes = new[] { new { Name = "llm", Matches = new[] { new { Path = "/v1" } }, Backends = new[] { "llm" }, TokenLimitPolicy = "tokens" } },
    Backends = new Dictionary<string, object> { ["llm"] = new { Endpoints = new[] { server.Url } } },
};
var gateways = new List<TestGateway> { await TestGateway.StartAsync(section) };
if (redis is not null)
{
    gateways.Add(await TestGateway.StartAsync(section));
}

Console.WriteLine($"{mode}: budget {TokensPerMinute}/m, burst {Burst}, {minutes} min, {loops} loops over {gateways.Count} gateway(s)");
var perMinute = new long[minutes];
long rejected = 0, answered = 0, errors = 0;
var clock = Stopwatch.StartNew();
var end = TimeSpan.FromMinutes(minutes);
await Task.WhenAll(Enumerable.Range(0, loops).Select(async loop =>
{
    var random = new Random(20261207 + loop);
    var client = gateways[loop % gateways.Count].Client;
    while (clock.Elapsed < end)
    {
        var sentAt = clock.Elapsed;
        var stream = random.Next(2) == 0;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$$"""{"model":"sim-model","messages":[{"role":"user","content":"Say something."}],"max_tokens":{{{random.Next(50, 151)}}},"stream":{{{(stream ? "true" : "false")}}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("X-Caller", "bench");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref rejected);
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            continue;
        }

        var usage = response.StatusCode == HttpStatusCode.OK ? Usage(body, stream) : null;
        if (usage is not { } tokens)
        {
            Interlocked.Increment(ref errors);
            continue;
        }

        Interlocked.Increment(ref answered);
        Interlocked.Add(ref perMinute[Math.Min(minutes - 1, (int)sentAt.TotalMinutes)], tokens);
    }
}));

foreach (var gateway in gateways)
{
    await gateway.DisposeAsync();
}

var total = perMinute.Sum();
Console.WriteLine();
Console.WriteLine("| Minute | Tokens admitted | Against the budget |");
Console.WriteLine("|---:|---:|---:|");
for (var i = 0; i < minutes; i++)
{
    // The first minute also spends the starting burst.
    var expected = TokensPerMinute + (i == 0 ? Burst : 0);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {i + 1} | {perMinute[i]} | {(double)perMinute[i] / expected - 1:+0.0%;-0.0%} (of {expected}) |"));
}

var budgetTotal = (TokensPerMinute * minutes) + Burst;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"\nTotal {total} tokens in {minutes} min: {(double)(total - Burst) / minutes:F0}/min after the burst, {(double)total / budgetTotal - 1:+0.00%;-0.00%} against rate x time + burst ({budgetTotal}); {answered} answered, {rejected} refused with 429, {errors} errors."));

static long? Usage(string body, bool stream)
{
    var json = body;
    if (stream)
    {
        // The usage event is the last before [DONE].
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        json = events.Length >= 2 ? events[^2]["data: ".Length..] : "";
    }

    try
    {
        var usage = JsonNode.Parse(json)?["usage"];
        return usage is null ? null : (long)usage["prompt_tokens"]! + (long)usage["completion_tokens"]!;
    }
    catch (System.Text.Json.JsonException)
    {
        return null;
    }
}
