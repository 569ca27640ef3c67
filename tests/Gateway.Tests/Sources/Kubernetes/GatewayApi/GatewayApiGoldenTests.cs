using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Sources.Kubernetes;
using Gateway.Sources.Kubernetes.GatewayApi;
using k8s;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes.GatewayApi;

/// <summary>
/// Each <c>testdata/NAME.in.yaml</c> (Gateway API objects, Services and EndpointSlices, as a user applies them) must give
/// exactly <c>NAME.out.json</c>: the model the gateway serves, the warnings, and the status written back to each object.
/// A case may pull in repository files verbatim with <c># include: path</c> lines (the seeds under deploy/examples) and
/// set the namespace of objects without one with <c># namespace: name</c> (as their kustomization does).
/// Regenerate with <c>GATEWAY_UPDATE_GOLDEN=1 dotnet test</c>, then review the diff.
/// </summary>
public sealed class GatewayApiGoldenTests
{
    private static readonly JsonSerializerOptions OutputOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string> Cases() => GoldenFile.Cases(TestDataDirectory(), ".in.yaml");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translation_matches_the_golden_file(string name)
    {
        var directory = TestDataDirectory();
        var actual = Translate(File.ReadAllText(Path.Combine(directory, name + ".in.yaml")));

        var expectedPath = Path.Combine(directory, name + ".out.json");
        GoldenFile.AssertMatches(expectedPath, actual);
    }

    private static string Translate(string caseText)
    {
        var objects = Load(caseText);
        var result = Process(objects);

        // Auth policies and configured token budgets are defined by the configuration files, not by this source: their
        // names are checked in the merged model.
        var model = result.Snapshot.Model;
        var own = model.Routes.Select(r => r with
        {
            AuthPolicies = [],
            TokenLimitPolicy = r.TokenLimitPolicy is { } budget && model.RateLimitPolicies.ContainsKey(budget) ? budget : null,
        });
        Assert.Empty(ModelValidator.Validate(model with { Routes = [.. own] }));
        Assert.Empty(result.Snapshot.Problems);

        var status = new JsonObject();
        foreach (var update in result.Statuses)
        {
            var key = $"{update.Object.Kind} {(update.Object.Metadata.NamespaceProperty is { } ns ? ns + "/" : "")}{update.Object.Metadata.Name}";
            var desired = JsonNode.Parse(KubernetesJson.Serialize(update.Desired))!;
            StripTransitionTimes(desired);
            status[key] = desired;
        }

        var modelJson = JsonNode.Parse(JsonSerializer.Serialize(result.Snapshot.Model, ModelJson.Options))!.AsObject();
        foreach (var dictionary in new[] { "backends", "rateLimitPolicies", "authPolicies" })
        {
            modelJson[dictionary] = Sorted(modelJson[dictionary]!.AsObject());
        }

        var output = new JsonObject
        {
            ["model"] = modelJson,
            ["warnings"] = new JsonArray([.. result.Snapshot.Warnings.Select(w => JsonValue.Create(w.ToString()))]),
            ["status"] = status,
        };
        return output.ToJsonString(OutputOptions).ReplaceLineEndings("\n") + "\n";
    }

    // Written by the status writer when a condition changes; not part of the translation.
    private static void StripTransitionTimes(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("lastTransitionTime");
                foreach (var (_, child) in obj.ToArray())
                {
                    if (child is not null)
                    {
                        StripTransitionTimes(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        StripTransitionTimes(child);
                    }
                }

                break;
        }
    }

    // String hashing differs per process, so dictionaries are written in key order.
    private static JsonObject Sorted(JsonObject dictionary) =>
        new(dictionary.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => KeyValuePair.Create(e.Key, e.Value?.DeepClone())));

    internal static GatewayApiResult Process(List<JsonObject> objects)
    {
        List<T> OfKind<T>(string kind) => [.. objects.Where(o => (string?)o["kind"] == kind).Select(o => KubernetesJson.Deserialize<T>(o.ToJsonString()))];

        var namespaces = OfKind<V1Namespace>("Namespace").ToDictionary(n => n.Metadata.Name, n => n.Metadata.Labels ?? new Dictionary<string, string>());
        // Compacted as the watches cache them: a field the processor reads but the cache drops changes the output.
        var services = OfKind<V1Service>("Service").Select(CachedObjectCompaction.Compact).ToImmutableDictionary(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}", StringComparer.Ordinal);
        var catalog = new ServiceCatalog([services], new EndpointSliceIndex(OfKind<V1EndpointSlice>("EndpointSlice").Select(CachedObjectCompaction.Compact)));
        var pods = OfKind<V1Pod>("Pod").ToDictionary(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}", StringComparer.Ordinal);
        var pools = new InferencePoolCatalog(OfKind<InferencePoolObject>("InferencePool"), pods, catalog);
        return new GatewayApiProcessor(GatewayApiOptions.DefaultControllerName).Build(
            OfKind<GatewayClassObject>("GatewayClass"),
            OfKind<GatewayObject>("Gateway"),
            OfKind<HttpRouteObject>("HTTPRoute"),
            OfKind<ReferenceGrantObject>("ReferenceGrant"),
            catalog,
            pools,
            ns => namespaces.GetValueOrDefault(ns),
            addresses: []);
    }

    private static List<JsonObject> Load(string caseText)
    {
        var ns = "default";
        var yaml = new List<string>();
        foreach (var line in caseText.Split('\n'))
        {
            if (line.StartsWith("# namespace: ", StringComparison.Ordinal))
            {
                ns = line["# namespace: ".Length..].Trim();
            }
            else if (line.StartsWith("# include: ", StringComparison.Ordinal))
            {
                yaml.Add(File.ReadAllText(Path.Combine(RepositoryRoot(), line["# include: ".Length..].Trim())));
            }
        }

        yaml.Add(caseText);
        return [.. yaml.SelectMany(text => YamlObjects.Load(text, ns))];
    }

    private static string TestDataDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "testdata");

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "../../../../.."));
}
