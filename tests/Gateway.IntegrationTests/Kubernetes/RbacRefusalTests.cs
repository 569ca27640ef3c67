using System.Net;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>A list or watch the API server refuses (a missing RBAC rule) is named in the log, once, and on /readyz.</summary>
public sealed class RbacRefusalTests : KubernetesTest
{
    private const string SliceRule = "apiGroups: [\"discovery.k8s.io\"], resources: [\"endpointslices\"], verbs: [\"list\", \"watch\"]";

    private static async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(KubernetesGateway gateway)
    {
        using var response = await gateway.Gateway.Admin.GetAsync("/readyz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private int SliceListRequests() =>
        Api.Requests.Count(r => r.StartsWith("GET /apis/discovery.k8s.io/v1/endpointslices", StringComparison.Ordinal) && !r.Contains("watch=true", StringComparison.Ordinal));

    [Fact]
    public async Task A_refused_list_is_logged_once_with_the_rule_and_keeps_readyz_failing_with_its_name_until_granted()
    {
        Api.Forbid("endpointslices", "list");
        var logs = new CapturedLogs();
        await using var gateway = await KubernetesGateway.StartAsync(
            Api,
            null,
            builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Information);
                builder.Logging.AddProvider(logs);
            },
            waitUntilReady: false);

        // Retried (so granting the rule is enough), but reported once.
        await Eventually.TrueAsync(() => Task.FromResult(SliceListRequests() >= 3), "the refused list to be retried twice");
        var refusal = Assert.Single(logs.Lines, l => l.Contains("refused to list", StringComparison.Ordinal));
        Assert.StartsWith("Error ", refusal, StringComparison.Ordinal);
        Assert.Contains("The Kubernetes API refused to list endpointslices.discovery.k8s.io in all namespaces (403 Forbidden)", refusal, StringComparison.Ordinal);
        Assert.Contains(SliceRule, refusal, StringComparison.Ordinal);
        Assert.Contains("the gateway's ClusterRole (deploy/base/rbac.yaml)", refusal, StringComparison.Ordinal);
        Assert.Contains("cannot list resource \"endpointslices\" in API group \"discovery.k8s.io\" at the cluster scope", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("endpointslices", StringComparison.Ordinal));

        var (status, body) = await ReadyzAsync(gateway);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.StartsWith("not ready: waiting for the first sync of ", body, StringComparison.Ordinal);
        Assert.Contains("the Kubernetes API refuses to list endpointslices.discovery.k8s.io in all namespaces", body, StringComparison.Ordinal);
        Assert.Contains("deploy/base/rbac.yaml", body, StringComparison.Ordinal);

        Api.Forbid("endpointslices", "list", forbidden: false);
        await Eventually.EqualAsync((HttpStatusCode.OK, "ready\n"), () => ReadyzAsync(gateway), "/readyz once the rule is granted");
        Assert.Contains(logs.Lines, l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("The Kubernetes API allows list endpointslices.discovery.k8s.io in all namespaces again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_watch_after_a_good_list_serves_what_was_listed_and_readyz_names_it()
    {
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Forbid("services", "watch");
        var logs = new CapturedLogs();
        await using var gateway = await KubernetesGateway.StartAsync(Api, null, builder => builder.Logging.AddProvider(logs), waitUntilReady: false);

        // Ready: what was listed is served, and the refusal is named rather than hidden.
        await Eventually.TrueAsync(
            async () => await ReadyzAsync(gateway) is (HttpStatusCode.OK, var ready) && ready.Contains("refuses", StringComparison.Ordinal),
            "/readyz to be ready and name the refused watch");
        var (_, body) = await ReadyzAsync(gateway);
        Assert.StartsWith("ready; the Kubernetes API refuses to watch services in all namespaces", body, StringComparison.Ordinal);

        Assert.Equal("a", await gateway.AnswerAsync("/model-a"));

        var refusal = Assert.Single(logs.Lines, l => l.Contains("refused to watch", StringComparison.Ordinal));
        Assert.Contains("apiGroups: [\"\"], resources: [\"services\"], verbs: [\"list\", \"watch\"]", refusal, StringComparison.Ordinal);
    }
}
