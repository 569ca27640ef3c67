using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Model;
using Gateway.Proxy;
using Gateway.Sources.File;

namespace Gateway.Tests.Translation;

/// <summary>
/// Each <c>testdata/NAME.in.json</c> (a Gateway section, as in a ConfigMap) must translate to exactly <c>NAME.out.json</c>.
/// Regenerate the expected files after an intended change with <c>GATEWAY_UPDATE_GOLDEN=1 dotnet test</c>, then review the diff.
/// </summary>
public sealed class TranslationGoldenTests
{
    private static readonly JsonSerializerOptions OutputOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
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

        var actual = JsonSerializer.Serialize(YarpTranslator.Translate(snapshot.Model), OutputOptions).ReplaceLineEndings("\n") + "\n";

        var expectedPath = Path.Combine(directory, name + ".out.json");
        GoldenFile.AssertMatches(expectedPath, actual);
    }

    [Fact]
    public void Translation_is_deterministic()
    {
        var config = JsonConfigFile.TryLoad(File.ReadAllBytes(Path.Combine(TestDataDirectory(), "precedence.in.json")), out _)!;
        var model = GatewayConfigReader.Read(config, "precedence", GatewayConfigReader.RoutingKeys).Model;

        Assert.Equal(
            JsonSerializer.Serialize(YarpTranslator.Translate(model), OutputOptions),
            JsonSerializer.Serialize(YarpTranslator.Translate(model), OutputOptions));
    }

    private static string TestDataDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "testdata");
}
