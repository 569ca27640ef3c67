using System.Diagnostics;
using System.Globalization;
using Gateway.IntegrationTests.Kubernetes;
using Gateway.IntegrationTests.Kubernetes.GatewayApi;
using Gateway.IntegrationTests.Kubernetes.InferencePools;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;
using static Gateway.IntegrationTests.Kubernetes.InferencePools.InferencePoolObjects;

// What the endpoint picker adds to a request, end to end through the real gateway: two pods, an InferencePool of them
// whose picker (the fake picker, in a process of its own) always picks the second, and a plain Service of the same two
// pods. Open-loop small chat completions (POST, JSON) at a fixed rate, in interleaved rounds (pool, plain, plain, pool,
// ...) for each gateway build, then p50/p99/p99.9 of each arm and what the picker adds. Then the picker is killed and
// started again on its port under load: what the clients of a FailOpen and a FailClose pool saw.
// Usage: dotnet run -c Release --project bench/Gateway.EndpointPickerLoad -- [--seconds 10] [--rounds 3] [--rate 1000]
//   [--restart-seconds 8] [--gateway NAME=PATH/Gateway.dll ...]   (default: the build next to this program, "current")
// The program runs itself with --picker ENDPOINT PORT as the picker process.
if (args is ["--picker", var pick, var portText])
{
    await using var fake = await FakeEndpointPicker.StartAsync(port: int.Parse(portText, CultureInfo.InvariantCulture));
    fake.Behavior = PickerBehavior.Always;
    fake.Endpoint = pick;
    fake.SetHeaders["x-picked"] = "epp";
    Console.WriteLine(fake.Port);
    // Ends when the bench closes standard input (or dies); what the picker was sent is dropped every second.
    var closed = Console.In.ReadToEndAsync();
    while (!closed.IsCompleted)
    {
        fake.Seen.Clear();
        await Task.WhenAny(closed, Task.Delay(1000));
    }

    return;
}

var seconds = Option("--seconds", 10);
var rounds = (int)Option("--rounds", 3);
var rate = Option("--rate", 1000);
var restartSeconds = Option("--restart-seconds", 8);
var builds = new List<(string Name, string Dll)>();
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--gateway")
    {
        var parts = args[i + 1].Split('=', 2);
        builds.Add((parts[0], Path.GetFullPath(parts[1])));
    }
}

if (builds.Count == 0)
{
    builds.Add(("current", Path.Combine(AppContext.BaseDirectory, "Gateway.dll")));
}

await using var api = await FakeKubernetesApiServer.StartAsync();
await using var pods = await PoolPods.StartAsync("a1", "a2");
var picked = $"{PoolPods.Address(1)}:{pods.Port}";
var picker = await PickerProcess.StartAsync(picked, 0);
var pickerPort = picker.Port;
Apply(OurGateway.Yaml);
api.Apply(Pod("a1", "model-a", PoolPods.Address(0)));
api.Apply(Pod("a2", "model-a", PoolPods.Address(1)));
foreach (var (pool, failureMode) in new[] { ("closed", "FailClose"), ("open", "FailOpen") })
{
    Apply(Pool(pool, "model-a", pods.Port, failureMode));
    Apply(PickerService(pool));
    Apply($$"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: { name: {{pool}}-epp-x1, labels: { kubernetes.io/service-name: {{pool}}-epp } }
        addressType: IPv4
        ports: [ { name: grpc, port: {{pickerPort}} } ]
        endpoints: [ { addresses: [ 127.0.0.1 ], conditions: { ready: true } } ]
        """);
}

api.Apply(KubeObjects.Service("plain", exposed: false, ports: ("http", 80)));
api.Apply(KubeObjects.EndpointSlice("plain-x1", "plain", pods.Port, endpoints: [new Endpoint(PoolPods.Address(0)), new Endpoint(PoolPods.Address(1))]));
Apply(Route("to-closed", "pool.test", ("closed", 1)));
Apply(Route("to-open", "open.test", ("open", 1)));
Apply("""
    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: { name: to-plain }
    spec:
      parentRefs: [ { name: gw } ]
      hostnames: [ plain.test ]
      rules: [ { backendRefs: [ { name: plain, port: 80 } ] } ]
    """);

var directory = Directory.CreateTempSubdirectory("gateway-epp-bench-").FullName;
var kubeconfig = await api.WriteKubeconfigAsync(directory);
var gateways = new List<GatewayProcess>();
try
{
    foreach (var (name, dll) in builds)
    {
        var gateway = await GatewayProcess.StartAsync(name, dll, kubeconfig);
        gateways.Add(gateway);
        foreach (var host in new[] { "pool.test", "open.test", "plain.test" })
        {
            await gateway.WaitForAsync(host);
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rate} req/s open loop, {rounds} interleaved rounds of {seconds} s per arm and build, after 2 s warm-up per arm"));
    var results = new Dictionary<(string, string), ArmResult>();
    foreach (var gateway in gateways)
    {
        foreach (var host in new[] { "pool.test", "plain.test" })
        {
            await OpenLoop.RunAsync(gateway.Client, host, rate, TimeSpan.FromSeconds(2));
            results[(gateway.Name, host)] = new ArmResult(gateway.Name, host == "pool.test" ? "pool (picker)" : "plain Service");
        }
    }

    for (var round = 0; round < rounds; round++)
    {
        foreach (var gateway in gateways)
        {
            string[] order = round % 2 == 0 ? ["pool.test", "plain.test"] : ["plain.test", "pool.test"];
            foreach (var host in order)
            {
                var cpu = gateway.Cpu;
                var samples = await OpenLoop.RunAsync(gateway.Client, host, rate, TimeSpan.FromSeconds(seconds));
                var arm = new ArmResult(gateway.Name, results[(gateway.Name, host)].Arm);
                arm.Add(samples, gateway.Cpu - cpu);
                results[(gateway.Name, host)].Add(samples, gateway.Cpu - cpu);
                Console.WriteLine($"round {round + 1}: {arm.Row()}");
            }
        }
    }

    Console.WriteLine();
    Console.WriteLine("| Gateway | Arm | Requests | Errors | p50 ms | p99 ms | p99.9 ms | max ms | send lag p99 ms | gateway CPU µs/request |");
    Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var result in results.Values)
    {
        Console.WriteLine(result.Row());
    }

    Console.WriteLine();
    Console.WriteLine("| Gateway | picker adds p50 ms | p99 ms | p99.9 ms | CPU µs/request |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var gateway in gateways)
    {
        var (pool, plain) = (results[(gateway.Name, "pool.test")], results[(gateway.Name, "plain.test")]);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {gateway.Name} | {pool.Percentile(0.5) - plain.Percentile(0.5):F3} | {pool.Percentile(0.99) - plain.Percentile(0.99):F3} | {pool.Percentile(0.999) - plain.Percentile(0.999):F3} | {(pool.Cpu.TotalMicroseconds / pool.Requests) - (plain.Cpu.TotalMicroseconds / plain.Requests):F0} |"));
    }

    if (restartSeconds > 0)
    {
        foreach (var gateway in gateways)
        {
            picker = await RestartUnderLoadAsync(gateway, picker);
        }
    }
}
finally
{
    foreach (var gateway in gateways)
    {
        await gateway.DisposeAsync();
    }

    await picker.DisposeAsync();
    Directory.Delete(directory, recursive: true);
}

// Half the rate to the FailOpen pool and half to the FailClose pool; the picker is killed after a third of the run and
// started again on its port a second later. Prints what the clients of each pool saw.
async Task<PickerProcess> RestartUnderLoadAsync(GatewayProcess gateway, PickerProcess running)
{
    var duration = TimeSpan.FromSeconds(restartSeconds);
    var load = Task.WhenAll(
        OpenLoop.RunAsync(gateway.Client, "open.test", rate / 2, duration),
        OpenLoop.RunAsync(gateway.Client, "pool.test", rate / 2, duration));
    await Task.Delay(duration / 3);
    var killed = Stopwatch.GetTimestamp();
    await running.DisposeAsync();
    await Task.Delay(TimeSpan.FromSeconds(1));
    var restarting = Stopwatch.GetTimestamp();
    var restarted = await PickerProcess.StartAsync(picked, pickerPort);
    var listening = Stopwatch.GetTimestamp();
    var samples = await load;
    Console.WriteLine();
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{gateway.Name}: picker killed at {restartSeconds / 3:F1} s, started again 1 s later, listening after {Ms(listening - restarting):F0} ms more; {rate / 2} req/s to each pool"));
    Console.WriteLine("| Pool | Requests | Not 200 | 503 | Served without a pick | Picked | First request not picked, after the kill | Last request not picked, after the picker listened | p99 ms | max ms |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var (pool, poolSamples) in new[] { ("FailOpen", samples[0]), ("FailClose", samples[1]) })
    {
        long first = long.MaxValue, last = long.MinValue;
        foreach (var sample in poolSamples)
        {
            if (!sample.Picked)
            {
                first = Math.Min(first, sample.Sent);
                last = Math.Max(last, sample.Sent);
            }
        }

        var latencies = poolSamples.Select(s => s.LatencyMs).ToList();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {pool} | {poolSamples.Length} | {poolSamples.Count(s => s.Status != 200)} | {poolSamples.Count(s => s.Status == 503)} | {poolSamples.Count(s => s.Status == 200 && !s.Picked)} | {poolSamples.Count(s => s.Picked)} | {(first == long.MaxValue ? "-" : $"{Ms(first - killed):F0} ms")} | {(last == long.MinValue ? "-" : $"{Ms(last - listening):F0} ms")} | {ArmResult.Percentile(latencies, 0.99):F2} | {ArmResult.Percentile(latencies, 1):F1} |"));
    }

    return restarted;
}

double Option(string name, double fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

void Apply(string yaml)
{
    foreach (var item in YamlObjects.Load(yaml, Namespace))
    {
        api.Apply(item);
    }
}
