using System.Net;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes.GatewayApi;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;
using static Gateway.IntegrationTests.Kubernetes.InferencePools.InferencePoolObjects;

namespace Gateway.IntegrationTests.Kubernetes.InferencePools;

/// <summary>
/// HTTPRoutes to InferencePools, as the extension's conformance suite has them: a pool's requests reach its ready pods
/// only, a pool without ready pods answers as an empty backend does, a route to two pools splits by weight, and a
/// reference that does not resolve is reported while the rest is served. Pool <c>pool-a</c> has pods a1 and a2, pool
/// <c>pool-b</c> has pod b1.
/// </summary>
public sealed class InferencePoolRoutingTests : IAsyncLifetime
{
    private PoolPods _pods = null!;
    private FakeKubernetesApiServer _api = null!;

    public async Task InitializeAsync()
    {
        _pods = await PoolPods.StartAsync("a1", "a2", "b1", "c1");
        _api = await FakeKubernetesApiServer.StartAsync();
        Apply(OurGateway.Yaml);
        _api.Apply(Pod("a1", "model-a", PoolPods.Address(0)));
        _api.Apply(Pod("a2", "model-a", PoolPods.Address(1)));
        _api.Apply(Pod("b1", "model-b", PoolPods.Address(2)));
        _api.Apply(Pod("c1", "model-c", PoolPods.Address(3), ready: false));
        foreach (var pool in new[] { "pool-a", "pool-b", "pool-c" })
        {
            Apply(Pool(pool, "model-" + pool[^1], _pods.Port));
            Apply(PickerService(pool));
        }
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _pods.DisposeAsync();
    }

    [Fact]
    public async Task A_route_to_a_pool_reaches_every_ready_pod_of_the_pool_and_no_other()
    {
        Apply(Route("to-a", "a.test", ("pool-a", 1)));
        await using var gateway = await KubernetesGateway.StartAsync(_api);
        await WaitForAnswerAsync(gateway, "a.test", answer => answer is "a1" or "a2");

        var answers = await CountAsync(gateway, "a.test", 60);

        Assert.Equal(["a1", "a2"], answers.Keys.Order());
        Assert.All(answers.Values, count => Assert.InRange(count, 10, 50));
    }

    [Fact]
    public async Task A_pool_a_route_uses_reports_Accepted_and_ResolvedRefs_for_the_Gateway_and_keeps_other_parents()
    {
        var pool = YamlObjects.Load(Pool("pool-b", "model-b", _pods.Port), Namespace).Single();
        pool["status"] = System.Text.Json.Nodes.JsonNode.Parse("""
            { "parents": [ { "parentRef": { "group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "other", "namespace": "elsewhere" },
                             "conditions": [ { "type": "Accepted", "status": "True", "reason": "Accepted", "message": "theirs", "lastTransitionTime": "2025-01-01T00:00:00Z" } ] } ] }
            """);
        _api.Apply(pool);
        Apply(Route("to-b", "b.test", ("pool-b", 1)));
        Apply(Route("to-a", "a.test", ("pool-a", 1)));
        _api.Delete("services", Namespace, "pool-a-epp");
        await using var gateway = await KubernetesGateway.StartAsync(_api);

        await Eventually.TrueAsync(() => Task.FromResult(PoolCondition("pool-b", "gw", "Accepted") == "True" && PoolCondition("pool-b", "gw", "ResolvedRefs") == "True"), "pool-b accepted with its references resolved");
        Assert.Equal("True", PoolCondition("pool-b", "other", "Accepted"));
        await Eventually.TrueAsync(() => Task.FromResult(PoolCondition("pool-a", "gw", "ResolvedRefs") == "False"), "pool-a to report its missing picker Service");
        Assert.Equal("True", PoolCondition("pool-a", "gw", "Accepted"));
        Assert.Null(_api.Get("inferencepools", Namespace, "pool-c")?["status"]);
    }

    [Fact]
    public async Task A_pool_with_no_ready_pods_answers_503_until_a_pod_becomes_ready()
    {
        Apply(Route("to-c", "c.test", ("pool-c", 1)));
        await using var gateway = await KubernetesGateway.StartAsync(_api);
        await Eventually.TrueAsync(async () => (await gateway.ConfigAsync())["model"]?["backends"]?["inferencepool/default/pool-c"] is not null, "the pool's backend");

        Assert.Equal("503", await AnswerAsync(gateway, "c.test"));

        _api.Apply(Pod("c1", "model-c", PoolPods.Address(3), ready: true));
        await WaitForAnswerAsync(gateway, "c.test", answer => answer == "c1");
    }

    [Fact]
    public async Task A_pod_that_joins_or_leaves_the_pool_gets_or_stops_getting_requests()
    {
        Apply(Route("to-b", "b.test", ("pool-b", 1)));
        await using var gateway = await KubernetesGateway.StartAsync(_api);
        await WaitForAnswerAsync(gateway, "b.test", answer => answer == "b1");

        // c1 takes the pool's label and becomes ready; then b1 leaves by losing the label.
        _api.Apply(Pod("c1", "model-b", PoolPods.Address(3)));
        await WaitForAnswerAsync(gateway, "b.test", answer => answer == "c1");
        _api.Apply(Pod("b1", "model-x", PoolPods.Address(2)));
        await Eventually.EqualAsync(1, async () => (await CountAsync(gateway, "b.test", 10)).Count, "b1 to leave the pool");

        Assert.Equal(["c1"], (await CountAsync(gateway, "b.test", 20)).Keys);
    }

    [Fact]
    public async Task A_route_to_two_pools_splits_the_requests_by_weight()
    {
        Apply(Route("split", "split.test", ("pool-a", 3), ("pool-b", 1)));
        await using var gateway = await KubernetesGateway.StartAsync(_api);
        await WaitForAnswerAsync(gateway, "split.test", answer => answer == "b1");

        var answers = await CountAsync(gateway, "split.test", 400);

        var poolA = answers.GetValueOrDefault("a1") + answers.GetValueOrDefault("a2");
        Assert.Equal(400, poolA + answers.GetValueOrDefault("b1"));
        Assert.InRange(poolA, 260, 340);
    }

    [Fact]
    public async Task A_route_to_a_missing_pool_answers_500_and_reports_it_while_its_other_pool_serves()
    {
        Apply(Route("missing", "missing.test", ("pool-a", 1)));
        Apply(Route("to-nowhere", "nowhere.test", ("no-such-pool", 1)));
        await using var gateway = await KubernetesGateway.StartAsync(_api);
        await WaitForAnswerAsync(gateway, "missing.test", answer => answer is "a1" or "a2");

        Assert.Equal("500", await AnswerAsync(gateway, "nowhere.test"));
        await Eventually.TrueAsync(
            () => Task.FromResult(ResolvedRefs("to-nowhere") is { } condition && (string?)condition["status"] == "False" && (string?)condition["reason"] == "BackendNotFound"
                && ((string?)condition["message"])!.Contains("InferencePool 'default/no-such-pool' not found", StringComparison.Ordinal)),
            "ResolvedRefs=False on the route to a missing pool");
    }

    [Fact]
    public async Task A_pool_without_a_selector_or_picker_service_is_reported_by_name_and_field()
    {
        Apply("""
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: { name: no-selector }
            spec: { targetPorts: [ { number: 8000 } ], endpointPickerRef: { name: pool-a-epp } }
            """);
        Apply(Route("to-no-selector", "noselector.test", ("no-selector", 1)));
        Apply(Pool("no-picker", "model-a", _pods.Port).Replace("no-picker-epp", "missing-epp", StringComparison.Ordinal));
        Apply(Route("to-no-picker", "nopicker.test", ("no-picker", 1)));
        await using var gateway = await KubernetesGateway.StartAsync(_api);
        await WaitForAnswerAsync(gateway, "nopicker.test", answer => answer is "a1" or "a2");

        Assert.Equal("500", await AnswerAsync(gateway, "noselector.test"));
        var warnings = await gateway.WarningsAsync();
        Assert.Contains("InferencePool 'default/no-selector', field 'spec.selector.matchLabels': is required", warnings, StringComparison.Ordinal);
        Assert.Contains("InferencePool 'default/no-picker', field 'spec.endpointPickerRef.name': Service 'default/missing-epp' not found", warnings, StringComparison.Ordinal);
        await Eventually.TrueAsync(
            () => Task.FromResult(_api.Created("events").Any(e => (string?)e["regarding"]?["kind"] == "InferencePool" && (string?)e["regarding"]?["name"] == "no-selector"
                && (string?)e["reason"] == "InvalidInferencePool" && ((string?)e["note"])?.Contains("spec.selector.matchLabels", StringComparison.Ordinal) == true)),
            "a Warning Event on the pool without a selector");
    }

    [Fact]
    public async Task Pools_are_read_once_their_CRD_is_installed_after_the_gateway_started()
    {
        _api.ServeGroup("inference.networking.k8s.io", served: false);
        Apply(Route("late", "late.test", ("pool-b", 1)));
        await using var gateway = await KubernetesGateway.StartAsync(_api, null, true, "--Gateway:Kubernetes:GatewayApi:MissingCrdRetry=00:00:00.200");

        Assert.Equal("500", await AnswerAsync(gateway, "late.test"));

        _api.ServeGroup("inference.networking.k8s.io", served: true);
        await WaitForAnswerAsync(gateway, "late.test", answer => answer == "b1");
    }

    private void Apply(string yaml)
    {
        foreach (var item in YamlObjects.Load(yaml, Namespace))
        {
            _api.Apply(item);
        }
    }

    /// <summary>The status of the condition <paramref name="type"/> of <paramref name="pool"/> for Gateway <paramref name="gateway"/>.</summary>
    private string? PoolCondition(string pool, string gateway, string type) =>
        (string?)_api.Get("inferencepools", Namespace, pool)?["status"]?["parents"]?.AsArray()
            .FirstOrDefault(p => (string?)p!["parentRef"]!["name"] == gateway)?["conditions"]?.AsArray()
            .FirstOrDefault(c => (string?)c!["type"] == type)?["status"];

    private System.Text.Json.Nodes.JsonObject? ResolvedRefs(string route) =>
        _api.Get("httproutes", Namespace, route)?["status"]?["parents"]?.AsArray()
            .SelectMany(p => p!["conditions"]!.AsArray())
            .OfType<System.Text.Json.Nodes.JsonObject>()
            .FirstOrDefault(c => (string?)c["type"] == "ResolvedRefs");

    private static async Task<string> AnswerAsync(KubernetesGateway gateway, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/completions") { Headers = { Host = host } };
        using var response = await gateway.Gateway.Client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK
            ? (await BackendEcho.ReadAsync(response)).Backend
            : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task WaitForAnswerAsync(KubernetesGateway gateway, string host, Func<string, bool> expected) =>
        Eventually.TrueAsync(async () => expected(await AnswerAsync(gateway, host)), $"the expected answer for host {host}");

    private static async Task<Dictionary<string, int>> CountAsync(KubernetesGateway gateway, string host, int requests)
    {
        var answers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < requests; i++)
        {
            var answer = await AnswerAsync(gateway, host);
            answers[answer] = answers.GetValueOrDefault(answer) + 1;
        }

        return answers;
    }
}
