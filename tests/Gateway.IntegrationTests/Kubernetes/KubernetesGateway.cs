using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>The real gateway discovering through the real Kubernetes client from a <see cref="FakeKubernetesApiServer"/>.</summary>
public sealed class KubernetesGateway : IAsyncDisposable
{
    public const string ConfigMapName = "gateway-config";
    public const string ConfigMapKey = "gateway.json";

    private readonly string _directory;

    private KubernetesGateway(FakeKubernetesApiServer api, TestGateway gateway, string directory)
    {
        Api = api;
        Gateway = gateway;
        _directory = directory;
    }

    public FakeKubernetesApiServer Api { get; }

    public TestGateway Gateway { get; }

    /// <summary>Starts the gateway against <paramref name="api"/>; <paramref name="waitUntilReady"/> waits for <c>/readyz</c>.</summary>
    public static Task<KubernetesGateway> StartAsync(FakeKubernetesApiServer api, object? gatewaySection = null, bool waitUntilReady = true, params string[] extraArgs) =>
        StartAsync(api, gatewaySection, configure: null, waitUntilReady, extraArgs);

    /// <summary>As above, with a hook that adjusts the host before it is built (e.g. to capture its logs).</summary>
    public static async Task<KubernetesGateway> StartAsync(FakeKubernetesApiServer api, object? gatewaySection, Action<WebApplicationBuilder>? configure, bool waitUntilReady = true, params string[] extraArgs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "gateway-k8s-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var kubeconfig = await api.WriteKubeconfigAsync(directory);
        string[] args =
        [
            "--Gateway:Kubernetes:Enabled=true",
            $"--Gateway:Kubernetes:Kubeconfig={kubeconfig}",
            $"--Gateway:Kubernetes:ConfigMap:Name={ConfigMapName}",
            $"--Gateway:Kubernetes:ConfigMap:Key={ConfigMapKey}",
            "--Gateway:Kubernetes:Debounce=00:00:00.050",
            .. extraArgs,
        ];
        var gateway = await TestGateway.StartAsync(gatewaySection ?? new { }, configure, args);
        var result = new KubernetesGateway(api, gateway, directory);
        if (waitUntilReady)
        {
            await Eventually.TrueAsync(async () => (await gateway.Admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "the gateway to report ready");
        }

        return result;
    }

    /// <summary>Which backend answered <paramref name="path"/>, or the status code as text when it was not a 200.</summary>
    public async Task<string> AnswerAsync(string path)
    {
        using var response = await Gateway.Client.GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return (await BackendEcho.ReadAsync(response)).Backend;
    }

    /// <summary>Waits until <paramref name="path"/> is answered by <paramref name="expected"/> (a backend name or a status code).</summary>
    public Task WaitForAnswerAsync(string path, string expected) =>
        Eventually.EqualAsync(expected, () => AnswerAsync(path), $"GET {path}");

    public Task<JsonNode> ConfigAsync() => Gateway.GetConfigAsync();

    /// <summary>The <c>/config</c> warnings (objects left out), one a line.</summary>
    public async Task<string> WarningsAsync() =>
        string.Join("\n", (await ConfigAsync())["warnings"]!.AsArray().Select(w => w!.GetValue<string>()));

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
