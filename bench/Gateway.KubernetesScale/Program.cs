using System.Diagnostics;
using System.Net;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

// Scale scenario for Kubernetes discovery: N exposed Services with 3 endpoints each in the fake API server, the real
// gateway discovering them through the real client. Prints time to ready, time from one EndpointSlice change to traffic
// moving, and memory. Usage: dotnet run -c Release --project bench/Gateway.KubernetesScale [services]
var services = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10_000;

await using var api = await FakeKubernetesApiServer.StartAsync();
await using var a = await TestBackend.StartAsync("a");
await using var b = await TestBackend.StartAsync("b");
for (var i = 0; i < services; i++)
{
    api.Apply(Service($"model-{i}"));
    // Pod addresses of Services that get no traffic in this scenario are never connected to.
    Endpoint[] pods = [new($"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}"), new($"10.100.{i / 256 % 256}.{i % 256}"), new($"10.200.{i / 256 % 256}.{i % 256}")];
    api.Apply(EndpointSlice($"model-{i}-x1", $"model-{i}", 8080, endpoints: pods));
}

GC.Collect();
var baseline = Process.GetCurrentProcess().WorkingSet64;
Console.WriteLine($"{services} Services + EndpointSlices loaded into the fake API server; process working set {baseline / 1_048_576} MB");

var start = Stopwatch.StartNew();
await using var k8s = await KubernetesGateway.StartAsync(api, waitUntilReady: false);
var started = start.Elapsed;
while ((await k8s.Gateway.Admin.GetAsync("/readyz")).StatusCode != HttpStatusCode.OK)
{
    await Task.Delay(10);
}

var ready = start.Elapsed;
Console.WriteLine($"gateway started (listening) after {started.TotalMilliseconds:F0} ms; /readyz 200 after {ready.TotalMilliseconds:F0} ms");

var target = $"model-{services / 2}";
for (var round = 0; round < 5; round++)
{
    var backend = round % 2 == 0 ? b : a;
    var change = Stopwatch.StartNew();
    api.Apply(EndpointSlice($"{target}-x1", target, PortOf(backend.Url), endpoints: Endpoint.ReadyPod));
    while (await k8s.AnswerAsync($"/{target}") != backend.Name)
    {
        await Task.Delay(5);
    }

    Console.WriteLine($"EndpointSlice change -> traffic moved to '{backend.Name}' in {change.Elapsed.TotalMilliseconds:F0} ms");
}

GC.Collect();
var process = Process.GetCurrentProcess();
Console.WriteLine($"process working set {process.WorkingSet64 / 1_048_576} MB (fake API server and backends included; {baseline / 1_048_576} MB before the gateway started); gateway-process managed heap {GC.GetTotalMemory(false) / 1_048_576} MB");
