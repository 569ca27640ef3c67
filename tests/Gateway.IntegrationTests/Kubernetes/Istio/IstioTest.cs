using System.Net;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Kubernetes.Istio;

/// <summary>
/// Base for Istio tests: a fresh fake API server holding Service ml-service (namespace models) with two pods, each a
/// real loopback backend, "pod-1" labelled version=v1 and "pod-2" labelled version=v2, and each with an EndpointSlice
/// whose targetRef names the pod.
/// </summary>
public abstract class IstioTest : IAsyncLifetime
{
    public static readonly string[] IstioArgs = ["--Gateway:Kubernetes:Istio:AdoptMeshRoutes=true", "--Gateway:Kubernetes:Istio:DiscoveryInterval=00:00:00.200"];

    protected FakeKubernetesApiServer Api { get; private set; } = null!;

    /// <summary>The backend of pod-1 (version v1 at start); answers with backend name "pod-1".</summary>
    protected TestBackend Pod1 { get; private set; } = null!;

    /// <summary>The backend of pod-2 (version v2 at start); answers with backend name "pod-2".</summary>
    protected TestBackend Pod2 { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Pod1 = await TestBackend.StartAsync("pod-1");
        Pod2 = await TestBackend.StartAsync("pod-2");
        Api = await FakeKubernetesApiServer.StartAsync();
        Api.Apply(IstioObjects.MlService());
        Api.Apply(IstioObjects.Pod("pod-1", "v1"));
        Api.Apply(IstioObjects.Pod("pod-2", "v2"));
        Api.Apply(IstioObjects.Slice("pod-1", Pod1));
        Api.Apply(IstioObjects.Slice("pod-2", Pod2));
    }

    public virtual async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Pod1.DisposeAsync();
        await Pod2.DisposeAsync();
    }

    protected Task<KubernetesGateway> StartGatewayAsync(params string[] extraArgs) =>
        KubernetesGateway.StartAsync(Api, null, true, [.. IstioArgs, .. extraArgs]);

    /// <summary>Which pod answered GET <paramref name="path"/> for host ml-service, or the status code when not 200.</summary>
    protected static async Task<string> AnswerAsync(KubernetesGateway gateway, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = IstioObjects.Service;
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await gateway.Gateway.Client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK
            ? (await BackendEcho.ReadAsync(response)).Backend
            : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the backend of subset <paramref name="subset"/> lists <paramref name="endpoints"/> endpoints in <c>/config</c>.</summary>
    protected static Task WaitForSubsetAsync(KubernetesGateway gateway, string subset, int endpoints) =>
        Eventually.EqualAsync(endpoints, async () =>
        {
            var config = await gateway.ConfigAsync();
            var backend = config["model"]?["backends"]?[$"istio/{IstioObjects.Namespace}/{IstioObjects.Service}:80/{subset}"];
            return backend?["endpoints"]?.AsArray().Count ?? -1;
        }, $"subset {subset} to have {endpoints} endpoints");
}
