using Gateway.Sources.Kubernetes;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class CachedObjectCompactionTests
{
    [Fact]
    public void A_service_keeps_its_identity_gateway_annotations_ports_and_load_balancer_status_only()
    {
        var service = K8s.Service("llama", new() { ["mlgateway.io/path-prefix"] = "/v1/llama", ["mlgateway.io/typo"] = "x", ["helm.sh/chart"] = "llama-1.0" });
        service.Metadata.Uid = "uid-1";
        service.Metadata.ResourceVersion = "42";
        service.Metadata.Labels["app"] = "llama";
        service.Spec.Selector = new Dictionary<string, string> { ["app"] = "llama" };
        service.Spec.ClusterIP = "10.96.0.10";
        service.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "203.0.113.7" }] } };

        var compact = CachedObjectCompaction.Compact(service);

        Assert.Equal(("llama", "ml", "uid-1", "42"), (compact.Metadata.Name, compact.Metadata.NamespaceProperty, compact.Metadata.Uid, compact.Metadata.ResourceVersion));
        Assert.True(KubernetesQueries.IsExposed(compact));
        Assert.Equal(["mlgateway.io/path-prefix", "mlgateway.io/typo"], compact.Metadata.Annotations.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("http", 80), (compact.Spec.Ports.Single().Name, compact.Spec.Ports.Single().Port));
        Assert.Null(compact.Spec.Selector);
        Assert.Equal("203.0.113.7", compact.Status.LoadBalancer.Ingress.Single().Ip);
    }

    [Fact]
    public void An_unlabelled_service_stays_unexposed_and_the_shared_labels_cannot_be_changed()
    {
        var unlabelled = K8s.Service("plain");
        unlabelled.Metadata.Labels = new Dictionary<string, string> { ["app"] = "plain" };

        Assert.False(KubernetesQueries.IsExposed(CachedObjectCompaction.Compact(unlabelled)));
        Assert.Throws<NotSupportedException>(() => CachedObjectCompaction.Compact(K8s.Service("llama")).Metadata.Labels["app"] = "llama");
    }

    [Fact]
    public void A_slice_keeps_its_service_label_addresses_conditions_and_pod_references()
    {
        var slice = K8s.Slice("llama", "http", 8080, K8s.Pod("10.0.0.1"), K8s.Pod("10.0.0.2", ready: false, terminating: true), new V1Endpoint { Addresses = ["10.0.0.3"] });
        slice.Metadata.Labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
        slice.Endpoints[0].TargetRef = new V1ObjectReference { Kind = "Pod", Name = "llama-7f9c", NamespaceProperty = "ml", Uid = "pod-uid" };
        slice.Endpoints[0].NodeName = "node-1";

        var compact = CachedObjectCompaction.Compact(slice);

        Assert.Equal(["kubernetes.io/service-name"], compact.Metadata.Labels.Keys);
        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3"], compact.Endpoints.Select(e => e.Addresses.Single()));
        Assert.Equal([(true, false), (false, true)], compact.Endpoints.Take(2).Select(e => (e.Conditions.Ready!.Value, e.Conditions.Terminating!.Value)));
        Assert.Null(compact.Endpoints[2].Conditions);
        Assert.Equal(("Pod", "llama-7f9c", "ml"), (compact.Endpoints[0].TargetRef.Kind, compact.Endpoints[0].TargetRef.Name, compact.Endpoints[0].TargetRef.NamespaceProperty));
        Assert.Null(compact.Endpoints[0].NodeName);
        Assert.Equal(["http://10.0.0.1:8080", "http://10.0.0.3:8080"], EndpointSliceIndex.Endpoints([compact], "http").ToArray());
    }

    [Fact]
    public void Repeated_strings_of_different_objects_become_one_instance()
    {
        var first = CachedObjectCompaction.Compact(K8s.Slice("a", new string("http".AsSpan()), 80));
        var second = CachedObjectCompaction.Compact(K8s.Slice("b", new string("http".AsSpan()), 80));

        Assert.Same(first.Ports[0].Name, second.Ports[0].Name);
        Assert.Same(first.Metadata.NamespaceProperty, second.Metadata.NamespaceProperty);
    }
}
