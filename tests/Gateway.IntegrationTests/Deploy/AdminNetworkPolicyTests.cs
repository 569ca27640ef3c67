using k8s;
using k8s.Models;

namespace Gateway.IntegrationTests.Deploy;

/// <summary>The admin-network-policy component, added to the base as an overlay would, fits the base's Deployment.</summary>
public sealed class AdminNetworkPolicyTests
{
    private static readonly Dictionary<string, Type> CustomTypes = new()
    {
        ["gateway.networking.k8s.io/v1/GatewayClass"] = typeof(CustomResource),
    };

    private static async Task<List<object>> RenderBaseWithComponentAsync()
    {
        var overlay = Directory.CreateTempSubdirectory("gateway-overlay-").FullName;
        try
        {
            // kustomize takes relative paths only.
            var deploy = Path.GetRelativePath(overlay, Kustomize.DeployDirectory()).Replace('\\', '/');
            await File.WriteAllTextAsync(Path.Combine(overlay, "kustomization.yaml"), $"""
                resources:
                  - {deploy}/base
                components:
                  - {deploy}/components/admin-network-policy
                """);
            return KubernetesYaml.LoadAllFromString(await Kustomize.RenderAsync(overlay), CustomTypes, strict: true);
        }
        finally
        {
            Directory.Delete(overlay, recursive: true);
        }
    }

    [Fact]
    public async Task Proxy_ports_stay_open_and_the_admin_port_is_limited_to_the_monitoring_namespace()
    {
        var objects = await RenderBaseWithComponentAsync();
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        var policy = Assert.Single(objects.OfType<V1NetworkPolicy>());
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        var ports = container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);

        Assert.Equal(deployment.Metadata.NamespaceProperty, policy.Metadata.NamespaceProperty);
        Assert.All(policy.Spec.PodSelector.MatchLabels, l => Assert.Equal(l.Value, deployment.Spec.Template.Metadata.Labels[l.Key]));
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);

        // Every port the policy names is one of the container's, so no rule silently matches nothing.
        Assert.All(policy.Spec.Ingress.SelectMany(rule => rule.Ports), p => Assert.Contains(p.Port.Value, ports.Keys));

        var open = Assert.Single(policy.Spec.Ingress, rule => rule.FromProperty is null or { Count: 0 });
        var loadBalancer = objects.OfType<V1Service>().Single(s => s.Spec.Type == "LoadBalancer");
        Assert.Equal(loadBalancer.Spec.Ports.Select(p => p.TargetPort.Value).Order(), open.Ports.Select(p => p.Port.Value).Order());

        var admin = Assert.Single(policy.Spec.Ingress, rule => rule.FromProperty is { Count: > 0 });
        Assert.Equal(["admin"], admin.Ports.Select(p => p.Port.Value));
        Assert.Equal("monitoring", Assert.Single(admin.FromProperty).NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);

        // The probes and Prometheus use the port the policy limits, the one the gateway's admin listener binds.
        Assert.Equal("admin", container.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal(ports["admin"].ToString(System.Globalization.CultureInfo.InvariantCulture), deployment.Spec.Template.Metadata.Annotations["prometheus.io/port"]);
    }
}
