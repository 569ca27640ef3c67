using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Model.Validation;
using Gateway.Sources.Kubernetes;
using Gateway.Sources.Kubernetes.Istio;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Sources.Kubernetes.Istio;

/// <summary>The Kubernetes objects of a YAML file run through the Istio processor, as the discovery service does.</summary>
internal sealed class IstioFixture
{
    public List<IstioObject> VirtualServices { get; } = [];

    public List<IstioObject> DestinationRules { get; } = [];

    public List<V1Service> Services { get; } = [];

    public List<V1EndpointSlice> Slices { get; } = [];

    public List<V1Pod> Pods { get; } = [];

    public IstioOptions Options { get; init; } = new() { GatewayNames = ["istio-system/edge-gateway"], AdoptMeshRoutes = true };

    public static IstioFixture FromYaml(string yaml)
    {
        var fixture = new IstioFixture();
        foreach (var document in YamlJson.Documents(yaml))
        {
            var json = document.ToJsonString();
            switch (document["kind"]?.GetValue<string>())
            {
                case "VirtualService":
                    fixture.VirtualServices.Add(KubernetesJson.Deserialize<IstioObject>(json));
                    break;
                case "DestinationRule":
                    fixture.DestinationRules.Add(KubernetesJson.Deserialize<IstioObject>(json));
                    break;
                case "Service":
                    fixture.Services.Add(KubernetesJson.Deserialize<V1Service>(json));
                    break;
                case "EndpointSlice":
                    fixture.Slices.Add(KubernetesJson.Deserialize<V1EndpointSlice>(json));
                    break;
                case "Pod":
                    fixture.Pods.Add(KubernetesJson.Deserialize<V1Pod>(json));
                    break;
                default:
                    throw new InvalidOperationException($"unexpected kind in test data: {document["kind"]}");
            }
        }

        return fixture;
    }

    public SourceSnapshot Build(IstioProcessor? processor = null)
    {
        processor ??= new IstioProcessor(Options, NullLogger.Instance);
        // Compacted as the watches cache them: a field the processor reads but the cache drops changes the output.
        var services = Services.Select(CachedObjectCompaction.Compact).ToImmutableDictionary(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}", StringComparer.Ordinal);
        var catalog = new ServiceCatalog([services], new EndpointSliceIndex(Slices.Select(CachedObjectCompaction.Compact)));
        var pods = Pods.ToDictionary(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}", StringComparer.Ordinal);
        // Admitted as the store admits it: the routes that do not validate are left out there.
        return new ModelParts(new ValidationCache()).Admit(processor.Build(VirtualServices, DestinationRules, pods, catalog));
    }
}
