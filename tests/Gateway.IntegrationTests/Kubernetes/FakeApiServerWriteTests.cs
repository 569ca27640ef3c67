using System.Text.Json.Nodes;
using Gateway.Sources.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// The write side of the fake API server, through the real client, as the gateway's sources use it: Events, status
/// subresources, API groups that come and go.
/// </summary>
public sealed class FakeApiServerWriteTests : IAsyncLifetime
{
    private FakeKubernetesApiServer _api = null!;
    private k8s.Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApiServer.StartAsync();
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _api.Url });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task The_event_recorder_posts_each_problem_of_an_object_once()
    {
        var ingress = new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "models", Uid = "uid-1" },
        };
        var recorder = new KubernetesEventRecorder(_client, new KubernetesLeadership(electionEnabled: false), TimeProvider.System, NullLogger<KubernetesEventRecorder>.Instance);

        recorder.Warn(ingress, "UnsupportedAnnotation", "nginx.ingress.kubernetes.io/server-snippet is never evaluated");
        recorder.Warn(ingress, "UnsupportedAnnotation", "nginx.ingress.kubernetes.io/server-snippet is never evaluated");
        recorder.Warn(ingress, "InvalidAnnotation", "nginx.ingress.kubernetes.io/limit-rpm 'fast' is not a number");

        await Eventually.EqualAsync(2, () => Task.FromResult(_api.Created("events").Count), "the number of Events posted");
        await Task.Delay(200);
        var events = _api.Created("events");
        Assert.Equal(2, events.Count);
        var first = events.Single(e => e["reason"]!.GetValue<string>() == "UnsupportedAnnotation");
        Assert.Equal("Warning", first["type"]!.GetValue<string>());
        Assert.Equal("models", first["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("web", first["regarding"]!["name"]!.GetValue<string>());
        Assert.Equal("Ingress", first["regarding"]!["kind"]!.GetValue<string>());
        Assert.Equal("nginx.ingress.kubernetes.io/server-snippet is never evaluated", first["note"]!.GetValue<string>());
        Assert.Equal(KubernetesEventRecorder.ReportingController, first["reportingController"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_warning_found_while_this_replica_wins_the_election_is_posted()
    {
        // Sources find warnings on several threads while the election is won, many times over, each round with a fresh
        // replica: however they interleave, every warning must be posted once, by its Warn call or by the Elected
        // handler. Several writers contend for the recorder's queue, which widens the moment between a writer's check
        // of leadership and its queueing.
        const int Rounds = 30;
        const int Writers = 4;
        const int PerWriter = 50;
        for (var round = 0; round < Rounds; round++)
        {
            var leadership = new KubernetesLeadership(electionEnabled: true);
            var recorder = new KubernetesEventRecorder(_client, leadership, TimeProvider.System, NullLogger<KubernetesEventRecorder>.Instance);
            using var start = new Barrier(Writers + 1);
            var first = round * Writers * PerWriter;
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    for (var i = 0; i < PerWriter; i++)
                    {
                        recorder.Warn(Ingress(first + (w * PerWriter) + i), "IngressWarning", "is not supported");
                    }
                },
                TaskCreationOptions.LongRunning)).ToList();
            var elect = Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    Thread.SpinWait(2000 * (round % 10));
                    leadership.Set(true);
                },
                TaskCreationOptions.LongRunning);
            await Task.WhenAll([.. writers, elect]);
        }

        const int Total = Rounds * Writers * PerWriter;
        await Eventually.EqualAsync(Total, () => Task.FromResult(_api.Created("events").Count), "the number of Events posted");
        Assert.Equal(Total, _api.Created("events").Select(e => e["regarding"]!["name"]!.GetValue<string>()).Distinct().Count());

        static V1Ingress Ingress(int i) => new()
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = new V1ObjectMeta { Name = $"web-{i}", NamespaceProperty = "models", Uid = $"uid-{i}" },
        };
    }

    [Fact]
    public async Task A_status_patch_merges_into_the_stored_object_and_a_status_put_replaces_it()
    {
        _api.Apply(JsonNode.Parse("""
            { "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
              "metadata": { "name": "web", "namespace": "models" },
              "spec": { "ingressClassName": "mlgateway" },
              "status": { "loadBalancer": { "ingress": [ { "ip": "10.0.0.1" } ] } } }
            """)!.AsObject());

        var patch = new V1Patch("""{ "status": { "loadBalancer": { "ingress": [ { "ip": "192.0.2.10" } ] } } }""", V1Patch.PatchType.MergePatch);
        await _client.NetworkingV1.PatchNamespacedIngressStatusAsync(patch, "web", "models");

        var stored = _api.Get("ingresses", "models", "web")!;
        Assert.Equal("192.0.2.10", stored["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.GetValue<string>());
        Assert.Equal("mlgateway", stored["spec"]!["ingressClassName"]!.GetValue<string>());

        var ingress = await _client.NetworkingV1.ReadNamespacedIngressAsync("web", "models");
        ingress.Status = new V1IngressStatus();
        await _client.NetworkingV1.ReplaceNamespacedIngressStatusAsync(ingress, "web", "models");
        Assert.Null(_api.Get("ingresses", "models", "web")!["status"]!["loadBalancer"]);
    }

    [Fact]
    public async Task A_hidden_api_group_answers_404_and_is_missing_from_the_group_list_until_served()
    {
        _api.ServeGroup("networking.istio.io", false);

        var hidden = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            _client.CustomObjects.ListNamespacedCustomObjectAsync("networking.istio.io", "v1", "models", "virtualservices"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, hidden.Response.StatusCode);
        Assert.DoesNotContain((await _client.Apis.GetAPIVersionsAsync()).Groups, g => g.Name == "networking.istio.io");

        _api.ServeGroup("networking.istio.io", true);

        Assert.Contains((await _client.Apis.GetAPIVersionsAsync()).Groups, g => g.Name == "networking.istio.io");
        var list = await _client.CustomObjects.ListNamespacedCustomObjectAsync("networking.istio.io", "v1beta1", "models", "virtualservices");
        Assert.NotNull(list);
    }
}
