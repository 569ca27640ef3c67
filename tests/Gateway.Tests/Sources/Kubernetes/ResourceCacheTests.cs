using Gateway.Sources.Kubernetes;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class ResourceCacheTests
{
    [Fact]
    public void Stored_objects_drop_managed_fields_and_kubectls_applied_copy_and_keep_every_other_annotation()
    {
        var cache = new ResourceCache<V1Service>();
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta
            {
                Name = "model",
                NamespaceProperty = "models",
                ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Apply" }],
                Annotations = new Dictionary<string, string>
                {
                    ["kubectl.kubernetes.io/last-applied-configuration"] = "{\"apiVersion\":\"v1\",\"kind\":\"Service\"}",
                    ["mlgateway.io/path-prefix"] = "/model",
                },
            },
        };

        cache.Upsert(service);

        var stored = cache.Items["models/model"].Metadata;
        Assert.Null(stored.ManagedFields);
        Assert.Equal(["mlgateway.io/path-prefix"], stored.Annotations.Keys);
        Assert.Equal("/model", stored.Annotations["mlgateway.io/path-prefix"]);
    }
}
