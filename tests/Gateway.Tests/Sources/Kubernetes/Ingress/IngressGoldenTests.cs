using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Proxy.Translation;
using Gateway.Sources.Kubernetes;
using Gateway.Sources.Kubernetes.Ingress;
using k8s;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes.Ingress;

/// <summary>
/// Each <c>testdata/NAME.in.yaml</c> (Ingresses, IngressClasses, Services and EndpointSlices; <c># include: path</c>
/// lines pull in manifests from the repository verbatim, <c># namespace: ns</c> gives objects without one their
/// namespace, as kustomize would) must become exactly the model and reports of <c>NAME.out.json</c>. Regenerate with
/// <c>GATEWAY_UPDATE_GOLDEN=1 dotnet test</c>, then review the diff.
/// </summary>
public sealed class IngressGoldenTests
{
    public static TheoryData<string> Cases() => GoldenFile.Cases(TestDataDirectory(), ".in.yaml");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ingresses_become_the_model_of_the_golden_file(string name)
    {
        var objects = Load(Path.Combine(TestDataDirectory(), name + ".in.yaml"));
        var build = Build(objects);

        // What the source publishes must be a model the gateway serves (auth policies and configured token budgets are
        // defined by the configuration files, and checked in the merged model).
        Assert.DoesNotContain(
            ModelValidator.Validate(build.Snapshot.Model),
            p => !p.Field.StartsWith("AuthPolic", StringComparison.Ordinal) && !(p.Field == "TokenLimitPolicy" && p.Message.Contains("is not defined", StringComparison.Ordinal)));
        _ = YarpTranslator.Translate(build.Snapshot.Model);

        var actual = new JsonObject
        {
            ["model"] = SortMaps(JsonSerializer.SerializeToNode(build.Snapshot.Model, ModelJson.Options)!.AsObject()),
            ["reports"] = new JsonArray([.. build.Reports.Select(r => JsonValue.Create($"{r.Reason} {r.Ingress.Metadata.NamespaceProperty}/{r.Ingress.Metadata.Name}: {r.Message}"))]),
            ["statusFor"] = new JsonArray([.. build.Ours.Select(i => JsonValue.Create($"{i.Metadata.NamespaceProperty}/{i.Metadata.Name}"))]),
        }.ToJsonString(ModelJson.Indented).ReplaceLineEndings("\n") + "\n";

        var expectedPath = Path.Combine(TestDataDirectory(), name + ".out.json");
        GoldenFile.AssertMatches(expectedPath, actual);
    }

    /// <summary>The model's dictionaries in key order: their enumeration order depends on string hashing, which varies per process.</summary>
    private static JsonObject SortMaps(JsonObject model)
    {
        foreach (var map in new[] { "backends", "rateLimitPolicies", "authPolicies" })
        {
            if (model[map] is JsonObject entries)
            {
                var sorted = new JsonObject();
                foreach (var (key, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToArray())
                {
                    entries.Remove(key);
                    sorted[key] = value;
                }

                model[map] = sorted;
            }
        }

        return model;
    }

    internal static IngressBuild Build(List<object> objects, IngressOptions? options = null)
    {
        // Compacted as the watches cache them: a field the processor reads but the cache drops changes the output.
        var services = objects.OfType<V1Service>().Select(CachedObjectCompaction.Compact).ToImmutableDictionary(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}", StringComparer.Ordinal);
        var catalog = new ServiceCatalog([services], new EndpointSliceIndex(objects.OfType<V1EndpointSlice>().Select(CachedObjectCompaction.Compact)));
        return new IngressProcessor(options ?? new IngressOptions()).Build(objects.OfType<V1Ingress>(), objects.OfType<V1IngressClass>(), catalog);
    }

    /// <summary>The objects of a test file and the files it includes.</summary>
    internal static List<object> Load(string path)
    {
        var text = File.ReadAllText(path);
        var ns = "default";
        var objects = new List<object>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# namespace:", StringComparison.Ordinal))
            {
                ns = line["# namespace:".Length..].Trim();
            }
            else if (line.StartsWith("# include:", StringComparison.Ordinal))
            {
                objects.AddRange(KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(RepositoryRoot(), line["# include:".Length..].Trim()))));
            }
        }

        objects.AddRange(KubernetesYaml.LoadAllFromString(text));
        foreach (var item in objects.OfType<IKubernetesObject<V1ObjectMeta>>())
        {
            item.Metadata.NamespaceProperty ??= item is V1IngressClass ? null : ns;
            item.Metadata.Uid ??= $"uid-{item.Metadata.Name}";
        }

        return objects;
    }

    private static string TestDataDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "testdata");

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "..", ".."));
}
