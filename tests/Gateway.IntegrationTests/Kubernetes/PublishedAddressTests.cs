using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Kubernetes.GatewayApi;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;
using static Gateway.IntegrationTests.Kubernetes.IngressObjects;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>The gateway's address, taken from its own LoadBalancer Service, on our Ingresses and our Gateways alike.</summary>
public sealed class PublishedAddressTests : KubernetesTest
{
    [Fact]
    public async Task Ingress_and_gateway_status_carry_the_status_service_address_and_follow_it()
    {
        Api.Apply(GatewayService("203.0.113.50"));
        Api.Apply(Service("web", exposed: false));
        Api.Apply(Ingress("web", paths: ("/web", "web", 80)));
        foreach (var item in YamlObjects.Load(OurGateway.Yaml, Namespace))
        {
            Api.Apply(item);
        }

        await using var k8s = await KubernetesGateway.StartAsync(Api, extraArgs: "--Gateway:Kubernetes:StatusService=mlgateway-system/mlgateway");

        await Eventually.EqualAsync("IPAddress 203.0.113.50", () => Task.FromResult(GatewayAddresses()), "the Gateway's status.addresses");
        await Eventually.EqualAsync("203.0.113.50", () => Task.FromResult(IngressAddress()), "the Ingress's load balancer");

        // The cloud load balancer is replaced by one with a hostname: both statuses follow.
        Api.Apply(GatewayService(hostname: "lb.example.com"));

        await Eventually.EqualAsync("Hostname lb.example.com", () => Task.FromResult(GatewayAddresses()), "the Gateway's status.addresses");
        await Eventually.EqualAsync("lb.example.com", () => Task.FromResult(IngressAddress()), "the Ingress's load balancer");
    }

    private static JsonObject GatewayService(string? ip = null, string? hostname = null)
    {
        var service = Service("mlgateway", exposed: false, ns: "mlgateway-system");
        var entry = ip is not null ? new JsonObject { ["ip"] = ip } : new JsonObject { ["hostname"] = hostname };
        service["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(entry) } };
        return service;
    }

    private string? GatewayAddresses() =>
        Api.Get("gateways", Namespace, "gw")?["status"]?["addresses"] is JsonArray addresses
            ? string.Join(",", addresses.Select(a => $"{a!["type"]} {a["value"]}"))
            : null;

    private string? IngressAddress()
    {
        var entry = Api.Get("ingresses", Namespace, "web")?["status"]?["loadBalancer"]?["ingress"]?[0];
        return (entry?["ip"] ?? entry?["hostname"])?.GetValue<string>();
    }
}
