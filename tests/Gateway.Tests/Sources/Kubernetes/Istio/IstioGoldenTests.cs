using System.Runtime.CompilerServices;
using System.Text.Json;
using Gateway.Model;
using Gateway.Model.Validation;

namespace Gateway.Tests.Sources.Kubernetes.Istio;

/// <summary>
/// Each <c>testdata/NAME.in.yaml</c> (VirtualServices, DestinationRules and the Services, EndpointSlices and pods they
/// resolve against) must give exactly the model and problems in <c>NAME.out.json</c>. Regenerate after an intended change
/// with <c>GATEWAY_UPDATE_GOLDEN=1 dotnet test</c>, then review the diff.
/// </summary>
public sealed class IstioGoldenTests
{
    public static TheoryData<string> Cases() => GoldenFile.Cases(TestDataDirectory(), ".in.yaml");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Istio_objects_translate_as_the_golden_file_says(string name)
    {
        var directory = TestDataDirectory();
        var snapshot = IstioFixture.FromYaml(File.ReadAllText(Path.Combine(directory, name + ".in.yaml"))).Build();

        // What is served must be a valid model: the processor leaves out what would not be.
        Assert.Empty(ModelValidator.Validate(snapshot.Model));
        var output = new
        {
            snapshot.Model.Routes,
            Backends = snapshot.Model.Backends.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => b.Value),
            Problems = snapshot.Warnings.Select(p => p.ToString()),
        };
        var actual = JsonSerializer.Serialize(output, ModelJson.Indented).ReplaceLineEndings("\n") + "\n";

        var expectedPath = Path.Combine(directory, name + ".out.json");
        GoldenFile.AssertMatches(expectedPath, actual);
    }

    private static string TestDataDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "testdata");
}
