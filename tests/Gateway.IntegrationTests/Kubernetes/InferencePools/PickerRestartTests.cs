using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Gateway.IntegrationTests.Kubernetes.GatewayApi;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;
using static Gateway.IntegrationTests.Kubernetes.InferencePools.InferencePoolObjects;

namespace Gateway.IntegrationTests.Kubernetes.InferencePools;

/// <summary>
/// An endpoint picker that is stopped and started again on the same port while requests flow to its pool. With FailOpen
/// every request is answered by a pod before, during and after the outage; with FailClose the requests of the outage
/// get 503 naming the pool; with both, once the picker is back every request is picked by it again (no connection is
/// left broken). The picker always picks a2, so a2 answering shows a pick. The phases follow answers, not time: the
/// picker stops after some answers, restarts after some answers sent while it was down, and the load ends after some
/// answers sent after it came back.
/// </summary>
public sealed class PickerRestartTests : IAsyncLifetime
{
    private const int Workers = 8;
    private const int AnswersPerPhase = 60;

    private PoolPods _pods = null!;
    private FakeKubernetesApiServer _api = null!;
    private FakeEndpointPicker _picker = null!;

    public async Task InitializeAsync()
    {
        _pods = await PoolPods.StartAsync("a1", "a2");
        _picker = await StartPickerAsync(0);
        _api = await FakeKubernetesApiServer.StartAsync();
        Apply(OurGateway.Yaml);
        _api.Apply(Pod("a1", "model-a", PoolPods.Address(0)));
        _api.Apply(Pod("a2", "model-a", PoolPods.Address(1)));
        foreach (var (pool, failureMode) in new[] { ("open", "FailOpen"), ("closed", "FailClose") })
        {
            Apply(Pool(pool, "model-a", _pods.Port, failureMode));
            Apply(PickerService(pool));
            Apply($$"""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: { name: {{pool}}-epp-x1, labels: { kubernetes.io/service-name: {{pool}}-epp } }
                addressType: IPv4
                ports: [ { name: grpc, port: {{_picker.Port}} } ]
                endpoints: [ { addresses: [ 127.0.0.1 ], conditions: { ready: true } } ]
                """);
        }

        Apply(Route("to-open", "open.test", ("open", 1)));
        Apply(Route("to-closed", "closed.test", ("closed", 1)));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _picker.DisposeAsync();
        await _pods.DisposeAsync();
    }

    [Fact]
    public async Task With_FailOpen_every_request_is_served_while_the_picker_restarts_and_picked_again_once_it_is_back()
    {
        var run = await RestartUnderLoadAsync("open.test");

        Assert.All(run.Answers, a => Assert.True(a.Answer is "a1" or "a2", $"a request got {a.Answer}"));
        Assert.All(run.Answers.Where(a => a.End < run.Stopping || a.Start > run.Restarted), a => Assert.Equal("a2", a.Answer));
    }

    [Fact]
    public async Task With_FailClose_only_requests_of_the_outage_get_503_naming_the_pool_and_every_request_is_picked_once_the_picker_is_back()
    {
        var run = await RestartUnderLoadAsync("closed.test");

        Assert.All(run.Answers.Where(a => a.End < run.Stopping || a.Start > run.Restarted), a => Assert.Equal("a2", a.Answer));
        var outage = run.Answers.Where(a => a.Start > run.Stopped && a.End < run.Restarting).ToList();
        Assert.InRange(outage.Count, AnswersPerPhase, run.Answers.Count);
        Assert.All(outage, a => Assert.Equal("503 The endpoint picker of InferencePool 'default/closed' failed (unavailable); the pool's failureMode is FailClose.", a.Answer));
        Assert.All(run.Answers, a => Assert.True(
            a.Answer == "a2" || a.Answer.StartsWith("503 The endpoint picker of InferencePool 'default/closed' failed (", StringComparison.Ordinal),
            $"a request got {a.Answer}"));
    }

    /// <summary>
    /// Every answer (when its request was sent and answered, and what it was), and when the picker began to stop, had
    /// stopped, began to start again and was back.
    /// </summary>
    private async Task<(List<(long Start, long End, string Answer)> Answers, long Stopping, long Stopped, long Restarting, long Restarted)> RestartUnderLoadAsync(string host)
    {
        await using var gateway = await KubernetesGateway.StartAsync(_api, null, true, "--Gateway:Inference:EndpointPicker:Tls=false");
        await Eventually.TrueAsync(
            async () => (await gateway.ConfigAsync())["model"]?["backends"]?["inferencepool/default/closed"]?["endpoints"]?.AsArray().Count == 2,
            "the pool's pods");
        var results = Channel.CreateUnbounded<(long Start, long End, string Answer)>();
        using var stop = new CancellationTokenSource();
        var workers = new Task[Workers];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var start = Stopwatch.GetTimestamp();
                    var answer = await AnswerAsync(gateway, host);
                    results.Writer.TryWrite((start, Stopwatch.GetTimestamp(), answer));
                }
            });
        }

        var answers = new List<(long Start, long End, string Answer)>();
        await ReadAsync(results.Reader, answers, since: 0);
        var stopping = Stopwatch.GetTimestamp();
        var port = _picker.Port;
        await _picker.DisposeAsync();
        var stopped = Stopwatch.GetTimestamp();
        await ReadAsync(results.Reader, answers, since: stopped);
        var restarting = Stopwatch.GetTimestamp();
        _picker = await StartPickerAsync(port);
        var restarted = Stopwatch.GetTimestamp();
        await ReadAsync(results.Reader, answers, since: restarted);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        results.Writer.Complete();
        await foreach (var answer in results.Reader.ReadAllAsync())
        {
            answers.Add(answer);
        }

        return (answers, stopping, stopped, restarting, restarted);
    }

    /// <summary>Reads answers until <see cref="AnswersPerPhase"/> of them were to requests sent after <paramref name="since"/>.</summary>
    private static async Task ReadAsync(ChannelReader<(long Start, long End, string Answer)> reader, List<(long Start, long End, string Answer)> answers, long since)
    {
        for (var counted = 0; counted < AnswersPerPhase;)
        {
            var answer = await reader.ReadAsync();
            answers.Add(answer);
            counted += answer.Start > since ? 1 : 0;
        }
    }

    private async Task<FakeEndpointPicker> StartPickerAsync(int port)
    {
        var picker = await FakeEndpointPicker.StartAsync(port: port);
        picker.Behavior = PickerBehavior.Always;
        picker.Endpoint = $"{PoolPods.Address(1)}:{_pods.Port}";
        return picker;
    }

    /// <summary>The pod that answered, or the status and the problem's title.</summary>
    private static async Task<string> AnswerAsync(KubernetesGateway gateway, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Host = host } };
        using var response = await gateway.Gateway.Client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return (await Infrastructure.BackendEcho.ReadAsync(response)).Backend;
        }

        return response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? $"{(int)response.StatusCode} {(await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]}"
            : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private void Apply(string yaml)
    {
        foreach (var item in YamlObjects.Load(yaml, Namespace))
        {
            _api.Apply(item);
        }
    }
}
