using System.Collections.Immutable;
using Gateway.Sources.Kubernetes;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class ServiceCatalogTests
{
    private static readonly V1ServicePort Http = new() { Name = "http", Port = 80, TargetPort = "web" };
    private static readonly V1ServicePort Metrics = new() { Name = "metrics", Port = 9100, TargetPort = 9100 };

    [Fact]
    public void Resolves_a_port_by_number_or_name_to_the_ready_pods_of_its_slices()
    {
        var catalog = Catalog(
            [K8s.Service("model", null, Http, Metrics)],
            K8s.Slice("model", "http", 8080, K8s.Pod("10.0.0.1"), K8s.Pod("10.0.0.2", ready: false)),
            K8s.Slice("model", "metrics", 9100, K8s.Pod("10.0.0.1")));

        var byNumber = catalog.Resolve("ingress/ml/model:80", "ingress ml/web", "ml", "model", new ServicePortReference(80, null));
        var byName = catalog.Resolve("b", "s", "ml", "model", new ServicePortReference(null, "metrics"));

        Assert.Null(byNumber.UnresolvedReason);
        Assert.Equal<string>(["http://10.0.0.1:8080"], byNumber.Endpoints);
        Assert.Equal("ingress/ml/model:80", byNumber.Name);
        Assert.Equal("ingress ml/web", byNumber.Source);
        Assert.Equal<string>(["http://10.0.0.1:9100"], byName.Endpoints);
    }

    [Fact]
    public void A_missing_service_or_port_is_unresolved_with_a_reason_naming_it()
    {
        var catalog = Catalog([K8s.Service("model", null, Http, Metrics)]);

        var missing = catalog.Resolve("b", "s", "ml", "absent", new ServicePortReference(80, null));
        var noPort = catalog.Resolve("b", "s", "ml", "model", new ServicePortReference(8443, null));
        var ambiguous = catalog.Resolve("b", "s", "ml", "model", ServicePortReference.OnlyPort);

        Assert.Equal("Service 'ml/absent' not found", missing.UnresolvedReason);
        Assert.Equal("Service 'ml/model' has no port 8443; its ports: 80 (http), 9100 (metrics)", noPort.UnresolvedReason);
        Assert.Equal("Service 'ml/model' does not have exactly one port, so the reference must name one; its ports: 80 (http), 9100 (metrics)", ambiguous.UnresolvedReason);
    }

    [Fact]
    public void A_service_with_one_port_resolves_without_naming_it_and_an_existing_service_without_pods_has_no_endpoints()
    {
        var catalog = Catalog([K8s.Service("model", null, Http)]);

        var backend = catalog.Resolve("b", "s", "ml", "model", ServicePortReference.OnlyPort);

        Assert.Null(backend.UnresolvedReason);
        Assert.Empty(backend.Endpoints);
    }

    [Fact]
    public void An_external_name_service_resolves_to_its_dns_name()
    {
        var external = K8s.Service("search", null, new V1ServicePort { Port = 443 });
        external.Spec.Type = "ExternalName";
        external.Spec.ExternalName = "search.example.com";

        var backend = Catalog([external]).Resolve("b", "s", "ml", "search", new ServicePortReference(443, null));

        Assert.Equal<string>(["http://search.example.com:443"], backend.Endpoints);
    }

    private static ServiceCatalog Catalog(V1Service[] services, params V1EndpointSlice[] slices) => new(
        [services.ToImmutableDictionary(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}", StringComparer.Ordinal)],
        new EndpointSliceIndex(slices));
}
