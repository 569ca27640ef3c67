using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Hosting;

public sealed partial class UnknownSettingsTests
{
    [Fact]
    public void A_misspelt_process_setting_is_named_with_the_settings_its_section_takes()
    {
        var problems = Find(("Gateway:PathPolicy:MergeSlashs", "true"), ("Gateway:Transport:IOQueueCount", "1"));

        var problem = Assert.Single(problems);
        Assert.StartsWith("Gateway:PathPolicy:MergeSlashs is not a setting; Gateway:PathPolicy takes ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_settings_lists_and_routing_keys_are_not_reported()
    {
        var problems = Find(
            ("Gateway:Inference:ModelFromBody:Paths:0", "/v1/chat/completions"),
            ("Gateway:Transport:InlineSocketCompletions", "false"),
            ("Gateway:Routes:0:Name", "anything the routing reader checks"),
            ("Gateway:Inference:ModelFromBody:MaxBodyBytez", "1"));

        Assert.Equal(["Gateway:Inference:ModelFromBody:MaxBodyBytez is not a setting"], problems.Select(p => p[..p.IndexOf(';', StringComparison.Ordinal)]));
    }

    [Fact]
    public void No_documented_process_setting_is_reported()
    {
        var docs = Path.Combine(RepositoryRoot(), "docs");
        var keys = Directory.GetFiles(docs, "*.md")
            .SelectMany(page => DocumentedKey().Matches(File.ReadAllText(page)).Select(m => m.Groups[1].Value.TrimEnd(':')))
            .Where(key => key.StartsWith("Gateway:", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        Assert.NotEmpty(keys);
        Assert.Empty(Find([.. keys.Select(k => (k, "1"))]));
    }

    private static List<string> Find(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        return [.. UnknownSettings.Find(configuration.GetSection(GatewayOptions.SectionName))];
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    [GeneratedRegex(@"`(Gateway:[A-Za-z0-9:]+)`")]
    private static partial Regex DocumentedKey();
}
