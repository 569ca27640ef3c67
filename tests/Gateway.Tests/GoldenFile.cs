namespace Gateway.Tests;

/// <summary>
/// The golden-file protocol of every translation suite: cases are the <c>NAME.in.*</c> files of a directory, and the
/// output must equal <c>NAME.out.json</c>; <c>GATEWAY_UPDATE_GOLDEN=1</c> rewrites the expected files, to be reviewed.
/// </summary>
internal static class GoldenFile
{
    public static TheoryData<string> Cases(string directory, string inputSuffix)
    {
        var cases = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(directory, "*" + inputSuffix).Order(StringComparer.Ordinal))
        {
            cases.Add(Path.GetFileName(file)[..^inputSuffix.Length]);
        }

        return cases;
    }

    public static void AssertMatches(string expectedPath, string actual)
    {
        if (Environment.GetEnvironmentVariable("GATEWAY_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
        }

        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing; create it with GATEWAY_UPDATE_GOLDEN=1");
        Assert.Equal(File.ReadAllText(expectedPath).ReplaceLineEndings("\n"), actual);
    }
}
