using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Model.Validation;
using Gateway.Proxy.Translation;
using Gateway.Sources.Kubernetes;
using Gateway.Tests.Sources.Kubernetes.Ingress;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes.Services;

/// <summary>
/// Each <c>testdata/NAME.in.yaml</c> (Services and EndpointSlices; <c># namespace: ns</c> gives objects without one
/// their namespace) must become exactly the model and warnings of <c>NAME.out.json</c>, as the store admits the Services
/// source's snapshot: only Services labelled <c>mlgateway.io/expose: "true"</c>, compacted as the watch caches them,
/// with the Services whose route does not validate left out. Regenerate with
/// <c>GATEWAY_UPDATE_GOLDEN=1 dotnet test</c>, then review the diff.
/// </summary>
public sealed class ServicesGoldenTests
{
    public static TheoryData<string> Cases() => GoldenFile.Cases(TestDataDirectory(), ".in.yaml");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Services_become_the_model_of_the_golden_file(string name)
    {
        var objects = IngressGoldenTests.Load(Path.Combine(TestDataDirectory(), name + ".in.yaml"));
        var services = objects.OfType<V1Service>().Select(CachedObjectCompaction.Compact).Where(KubernetesQueries.IsExposed);
        var slices = new EndpointSliceIndex(objects.OfType<V1EndpointSlice>().Select(CachedObjectCompaction.Compact));
        var snapshot = new ModelParts(new ValidationCache()).Admit(new ServiceProcessor().Build(services, slices));

        // What the store admits must be a model the gateway serves; auth policies are declared by other sources.
        Assert.Empty(snapshot.Problems);
        Assert.DoesNotContain(ModelValidator.Validate(snapshot.Model), p => !p.Field.StartsWith("AuthPolic", StringComparison.Ordinal));
        _ = YarpTranslator.Translate(snapshot.Model);

        var actual = new JsonObject
        {
            ["model"] = SortMaps(JsonSerializer.SerializeToNode(snapshot.Model, ModelJson.Options)!.AsObject()),
            ["warnings"] = new JsonArray([.. snapshot.Warnings.Select(w => JsonValue.Create(w.ToString()))]),
        }.ToJsonString(ModelJson.Indented).ReplaceLineEndings("\n") + "\n";

        GoldenFile.AssertMatches(Path.Combine(TestDataDirectory(), name + ".out.json"), actual);
    }

    /// <summary>The model's dictionaries in key order: their enumeration order depends on string hashing, which varies per process.</summary>
    private static JsonObject SortMaps(JsonObject model)
    {
        foreach (var map in new[] { "backends", "rateLimitPolicies" })
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

    private static string TestDataDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "testdata");
}
