using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Proxy.Routing;
using Gateway.Proxy.Translation;
using Gateway.Resilience;
using Gateway.Sources.File;

namespace Gateway.Tests.Translation;

/// <summary>
/// Each <c>testdata/NAME.in.json</c> (a Gateway section, as in a ConfigMap) must translate to exactly <c>NAME.out.json</c>:
/// the YARP routes and clusters, and each route's <see cref="RoutePlan"/> (what its runtime does) as nested JSON, with
/// nulls, empty lists and false flags left out. Regenerate the expected files after an intended change with
/// <c>GATEWAY_UPDATE_GOLDEN=1 dotnet test</c>, then review the diff.
/// </summary>
public sealed class TranslationGoldenTests
{
    private static readonly JsonSerializerOptions OutputOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyAndFalse } },
    };

    public static TheoryData<string> Cases() => GoldenFile.Cases(TestDataDirectory(), ".in.json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translation_matches_the_golden_file(string name)
    {
        var directory = TestDataDirectory();
        var config = JsonConfigFile.TryLoad(File.ReadAllBytes(Path.Combine(directory, name + ".in.json")), out var error);
        Assert.True(config is not null, error);
        var snapshot = GatewayConfigReader.Read(config, name, GatewayConfigReader.RoutingKeys);
        Assert.Empty(snapshot.Problems);
        Assert.Empty(ModelValidator.Validate(snapshot.Model));

        var actual = JsonSerializer.Serialize(Output(YarpTranslator.Translate(snapshot.Model)), OutputOptions).ReplaceLineEndings("\n") + "\n";

        var expectedPath = Path.Combine(directory, name + ".out.json");
        GoldenFile.AssertMatches(expectedPath, actual);
    }

    public static TheoryData<string> ModelCases() => GoldenFile.Cases(TestDataDirectory(), ".in.model.json");

    /// <summary>Models as the sources build them (here in the admin <c>/config</c> JSON shape), for what only Kubernetes objects express.</summary>
    [Theory]
    [MemberData(nameof(ModelCases))]
    public void Model_translation_matches_the_golden_file(string name)
    {
        var directory = TestDataDirectory();
        var model = JsonSerializer.Deserialize<GatewayModel>(File.ReadAllBytes(Path.Combine(directory, name + ".in.model.json")), ModelJson.Options)!;
        Assert.Empty(ModelValidator.Validate(model));

        var actual = JsonSerializer.Serialize(Output(YarpTranslator.Translate(model)), OutputOptions).ReplaceLineEndings("\n") + "\n";

        GoldenFile.AssertMatches(Path.Combine(directory, name + ".out.json"), actual);
    }

    [Fact]
    public void Translation_is_deterministic()
    {
        var config = JsonConfigFile.TryLoad(File.ReadAllBytes(Path.Combine(TestDataDirectory(), "precedence.in.json")), out _)!;
        var model = GatewayConfigReader.Read(config, "precedence", GatewayConfigReader.RoutingKeys).Model;

        Assert.Equal(
            JsonSerializer.Serialize(Output(YarpTranslator.Translate(model)), OutputOptions),
            JsonSerializer.Serialize(Output(YarpTranslator.Translate(model)), OutputOptions));
    }

    /// <summary>The routes in YARP's order, each followed by its plan, then the clusters, then the clusters' runtimes.</summary>
    private static object Output(ProxyConfigSnapshot snapshot) => new
    {
        Routes = snapshot.Routes.Select(r => new { Yarp = r, Runtime = snapshot.Runtimes[r.RouteId].Plan }),
        snapshot.Clusters,
        snapshot.ClusterRuntimes,
    };

    /// <summary>
    /// Leaves out empty lists and false flags too: what a route does not do is not written. A cluster runtime is written
    /// whole, as its flags are on by default.
    /// </summary>
    private static void OmitEmptyAndFalse(JsonTypeInfo type)
    {
        if (type.Type == typeof(ClusterRuntime))
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            if (property.PropertyType == typeof(bool))
            {
                property.ShouldSerialize = static (_, value) => value is true;
            }
            else if (typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType) && property.PropertyType != typeof(string))
            {
                property.ShouldSerialize = static (_, value) => value is not (null or System.Collections.ICollection { Count: 0 });
            }
        }
    }

    private static string TestDataDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "testdata");
}
