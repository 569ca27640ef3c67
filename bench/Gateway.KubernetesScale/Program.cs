using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

// Scale scenario for Kubernetes discovery: N exposed Services with 3 endpoints each in the fake API server, and the real
// gateway, in a process of its own, discovering them through the real client. Prints the time from the list being
// served to /readyz 200, the time from one EndpointSlice change to traffic moving, the latency of requests sent while
// the changes are applied, and the gateway's memory. With --churn it then changes EndpointSlices at 100 a second for
// 60 s while requests flow, and prints the change -> traffic percentiles, the gateway's CPU and the failed requests.
// Usage: bench/kubernetes-scale [services [--churn]], or
// dotnet run -c Release --project bench/Gateway.KubernetesScale [services [Gateway.dll [--churn]]]
var churn = args.Contains("--churn");
args = [.. args.Where(a => a != "--churn")];
var services = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
// The gateway as built next to this program, or another build (bench/kubernetes-scale passes the ReadyToRun publish the
// container image ships).
var gatewayDll = args.Length > 1 ? Path.GetFullPath(args[1]) : Path.Combine(AppContext.BaseDirectory, "Gateway.dll");

// The churn changes these Services, whose pods are the two loopback backends, so every change can be seen in traffic.
const int ChurnTargets = 100;

await using var api = await FakeKubernetesApiServer.StartAsync();
await using var a = await TestBackend.StartAsync("a");
await using var b = await TestBackend.StartAsync("b");
var target = $"model-{services / 2}";
for (var i = 0; i < services; i++)
{
    api.Apply(Service($"model-{i}"));
    if ($"model-{i}" == target)
    {
        // The one Service that gets traffic starts on a loopback backend, so no request ever leaves the machine.
        api.Apply(EndpointSlice($"{target}-x1", target, PortOf(a.Url), endpoints: Endpoint.ReadyPod));
        continue;
    }

    if (churn && i < ChurnTargets)
    {
        api.Apply(EndpointSlice($"model-{i}-x1", $"model-{i}", PortOf((i % 2 == 0 ? a : b).Url), endpoints: Endpoint.ReadyPod));
        continue;
    }

    // Pod addresses of Services that get no traffic in this scenario are never connected to.
    Endpoint[] pods = [new($"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}"), new($"10.100.{i / 256 % 256}.{i % 256}"), new($"10.200.{i / 256 % 256}.{i % 256}")];
    api.Apply(EndpointSlice($"model-{i}-x1", $"model-{i}", 8080, endpoints: pods));
}

var directory = Directory.CreateTempSubdirectory("gateway-scale-").FullName;
await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), """{ "Gateway": { }, "Demo": { "Enabled": false } }""");
var kubeconfig = await api.WriteKubeconfigAsync(directory);
int proxyPort = FreePort(), adminPort = FreePort();
var start = new ProcessStartInfo("dotnet")
{
    ArgumentList =
    {
        "exec", gatewayDll, $"--contentRoot={directory}",
        $"--Gateway:Listen:Http=http://127.0.0.1:{proxyPort}", $"--Gateway:Admin:Url=http://127.0.0.1:{adminPort}",
        "--Gateway:Kubernetes:Enabled=true", $"--Gateway:Kubernetes:Kubeconfig={kubeconfig}", "--Logging:LogLevel:Default=Warning",
        "--Gateway:Listen:Https=https://127.0.0.1:0",
    },
    RedirectStandardOutput = true,
    RedirectStandardError = true,
};
var started = DateTimeOffset.UtcNow;
using var gateway = Process.Start(start)!;
gateway.OutputDataReceived += (_, _) => { };
gateway.ErrorDataReceived += (_, e) =>
{
    if (e.Data is not null)
    {
        Console.Error.WriteLine("gateway: " + e.Data);
    }
};
gateway.BeginOutputReadLine();
gateway.BeginErrorReadLine();
try
{
    using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
    using var proxy = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}") };
    while (!await IsReadyAsync(admin))
    {
        await Task.Delay(10);
    }

    var ready = DateTimeOffset.UtcNow;
    var readyCpu = CpuMilliseconds(gateway);
    var listed = new[] { api.ListServedAt("services"), api.ListServedAt("endpointslices") }.Max()!.Value;
    Console.WriteLine($"{services} Services x 3 endpoints: process start -> ready {(ready - started).TotalMilliseconds:F0} ms; lists served -> ready {(ready - listed).TotalMilliseconds:F0} ms; gateway CPU to ready {readyCpu} ms");

    // The first request through the gateway after ready, measured on its own so the probe below measures changes only.
    // This program's own backends answer a request first, so their first-request cost is not counted.
    using (var direct = new HttpClient())
    {
        foreach (var backend in new[] { a, b })
        {
            await AnswerAsync(direct, backend.Url + "/warm-up");
        }
    }

    var first = Stopwatch.StartNew();
    var firstAnswer = await AnswerAsync(proxy, $"/{target}");
    Console.WriteLine($"first request after ready: {first.Elapsed.TotalMilliseconds:F0} ms (answered by {firstAnswer})");

    var moves = new List<double>();
    var moveCpu = new List<long>();

    // A steady trickle of requests to the changing route (both of its backends are on loopback) while the changes are
    // applied: a reload must not fail a request, and a long collection pause would show as a slow one.
    using var probing = new CancellationTokenSource();
    var probeLatencies = new List<double>();
    var probeFailures = 0;
    var probe = Task.Run(async () =>
    {
        while (!probing.IsCancellationRequested)
        {
            var sent = Stopwatch.StartNew();
            using var response = await proxy.GetAsync($"/{target}");
            probeLatencies.Add(sent.Elapsed.TotalMilliseconds);
            probeFailures += response.StatusCode == HttpStatusCode.OK ? 0 : 1;
            await Task.Delay(2);
        }
    });
    for (var round = 0; round < 7; round++)
    {
        var backend = round % 2 == 0 ? b : a;
        var cpu = CpuMilliseconds(gateway);
        var change = Stopwatch.StartNew();
        api.Apply(EndpointSlice($"{target}-x1", target, PortOf(backend.Url), endpoints: Endpoint.ReadyPod));
        while (await AnswerAsync(proxy, $"/{target}") != backend.Name)
        {
            await Task.Delay(5);
        }

        moves.Add(change.Elapsed.TotalMilliseconds);
        moveCpu.Add(CpuMilliseconds(gateway) - cpu);
    }

    await probing.CancelAsync();
    await probe;
    moves.Sort();
    moveCpu.Sort();
    probeLatencies.Sort();
    Console.WriteLine($"EndpointSlice change -> traffic moved: median {moves[moves.Count / 2]:F0} ms, min {moves[0]:F0} ms, max {moves[^1]:F0} ms over {moves.Count} changes; gateway CPU per change median {moveCpu[moveCpu.Count / 2]} ms");
    Console.WriteLine($"requests during the changes: {probeLatencies.Count}, not 200: {probeFailures}; latency p50 {probeLatencies[probeLatencies.Count / 2]:F1} ms, p99 {probeLatencies[probeLatencies.Count * 99 / 100]:F1} ms, max {probeLatencies[^1]:F1} ms");
    // A Service change goes through the model (parse, merge, validation, translation, YARP reload): the target
    // Service's path prefix changes, and the change is timed until the new path answers.
    var serviceMoves = new List<double>();
    var serviceCpu = new List<long>();
    for (var round = 0; round < 5; round++)
    {
        var path = $"/{target}-r{round}";
        var cpu = CpuMilliseconds(gateway);
        var change = Stopwatch.StartNew();
        api.Apply(Service(target, new() { ["mlgateway.io/path-prefix"] = path }));
        while (await AnswerAsync(proxy, path) is var answer && answer != a.Name && answer != b.Name)
        {
            await Task.Delay(5);
        }

        serviceMoves.Add(change.Elapsed.TotalMilliseconds);
        serviceCpu.Add(CpuMilliseconds(gateway) - cpu);
    }

    serviceMoves.Sort();
    serviceCpu.Sort();
    Console.WriteLine($"Service change -> traffic on the new path: median {serviceMoves[serviceMoves.Count / 2]:F0} ms, min {serviceMoves[0]:F0} ms, max {serviceMoves[^1]:F0} ms over {serviceMoves.Count} changes; gateway CPU per change median {serviceCpu[serviceCpu.Count / 2]} ms");
    gateway.Refresh();
    Console.WriteLine($"gateway process: working set {gateway.WorkingSet64 / 1_048_576} MB, peak {gateway.PeakWorkingSet64 / 1_048_576} MB");
    if (churn)
    {
        await ChurnAsync(api, proxy, gateway, a, b);
    }
}
finally
{
    gateway.Kill();
    await gateway.WaitForExitAsync();
    Directory.Delete(directory, recursive: true);
}

// 100 EndpointSlice changes a second for 60 s, each moving one of the loopback Services to the other backend, while
// requests flow to them. A change is measured until a request sees it, or until the next change of the same Service
// (superseded, counted apart).
static async Task ChurnAsync(FakeKubernetesApiServer api, HttpClient proxy, Process gateway, TestBackend a, TestBackend b)
{
    const int PerSecond = 100;
    var duration = TimeSpan.FromSeconds(60);
    var serving = new string[ChurnTargets];
    var versions = new int[ChurnTargets];
    for (var i = 0; i < ChurnTargets; i++)
    {
        serving[i] = i % 2 == 0 ? a.Name : b.Name;
    }

    var latencies = new ConcurrentBag<double>();
    int superseded = 0, requests = 0, failed = 0;
    async Task<string> Request(int target)
    {
        var answer = await AnswerAsync(proxy, $"/model-{target}");
        Interlocked.Increment(ref requests);
        if (answer != a.Name && answer != b.Name)
        {
            Interlocked.Increment(ref failed);
        }

        return answer;
    }

    using var stop = new CancellationTokenSource();
    var traffic = Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
    {
        var random = new Random(worker);
        while (!stop.IsCancellationRequested)
        {
            await Request(random.Next(ChurnTargets));
            await Task.Delay(5);
        }
    })).ToArray();
    var watchers = new List<Task>();
    var cpu = CpuMilliseconds(gateway);
    var clock = Stopwatch.StartNew();
    var applied = 0;
    while (clock.Elapsed < duration)
    {
        for (var due = (int)(clock.Elapsed.TotalSeconds * PerSecond); applied < due; applied++)
        {
            var target = applied % ChurnTargets;
            var next = serving[target] == a.Name ? b : a;
            serving[target] = next.Name;
            var version = Interlocked.Increment(ref versions[target]);
            var changed = Stopwatch.StartNew();
            api.Apply(EndpointSlice($"model-{target}-x1", $"model-{target}", PortOf(next.Url), endpoints: Endpoint.ReadyPod));
            watchers.Add(Task.Run(async () =>
            {
                while (await Request(target) != next.Name)
                {
                    if (Volatile.Read(ref versions[target]) != version)
                    {
                        Interlocked.Increment(ref superseded);
                        return;
                    }

                    await Task.Delay(5);
                }

                latencies.Add(changed.Elapsed.TotalMilliseconds);
            }));
        }

        await Task.Delay(5);
    }

    var cpuUsed = CpuMilliseconds(gateway) - cpu;
    var wall = clock.Elapsed;
    await Task.WhenAll(watchers);
    await stop.CancelAsync();
    await Task.WhenAll(traffic);
    var sorted = latencies.Order().ToArray();
    double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];
    Console.WriteLine($"churn: {applied} EndpointSlice changes in {wall.TotalSeconds:F0} s; change -> traffic p50 {Percentile(0.5):F0} ms, p90 {Percentile(0.9):F0} ms, p99 {Percentile(0.99):F0} ms, max {Percentile(1):F0} ms over {sorted.Length} changes seen ({superseded} superseded before seen)");
    Console.WriteLine($"churn: gateway CPU {cpuUsed} ms = {cpuUsed / wall.TotalMilliseconds:F2} cores (changes and {requests} requests); requests failed: {failed}");
    gateway.Refresh();
    Console.WriteLine($"churn: working set {gateway.WorkingSet64 / 1_048_576} MB, peak {gateway.PeakWorkingSet64 / 1_048_576} MB");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

// CPU time (user + system) the gateway used so far: on a machine shared with other work this moves far less than the
// wall clock. /proc/PID/stat fields 14 and 15, in clock ticks of 10 ms.
static long CpuMilliseconds(Process process)
{
    var stat = File.ReadAllText($"/proc/{process.Id}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 10;
}

static async Task<bool> IsReadyAsync(HttpClient admin)
{
    try
    {
        return (await admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
    }
    catch (HttpRequestException)
    {
        return false;
    }
}

static async Task<string> AnswerAsync(HttpClient proxy, string path)
{
    using var response = await proxy.GetAsync(path);
    return response.StatusCode == HttpStatusCode.OK ? (await BackendEcho.ReadAsync(response)).Backend : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
