using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.Demo;
using Gateway.Hosting;
using Gateway.Model;
using Gateway.Sources.File;

namespace Gateway.Tests.Docs;

/// <summary>
/// docs/configuration.md and the code agree: every key the page names exists, every process setting the options classes
/// bind is documented on some page of docs/, and the page's route example is read without a problem.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly string Docs = Path.Combine(RepositoryRoot(), "docs");

    [Fact]
    public void Every_key_the_configuration_page_names_exists_in_the_options_or_the_routing_section()
    {
        var known = ProcessSettings().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sections = known.SelectMany(Prefixes).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var routing = GatewayConfigReader.RoutingKeys.Select(k => $"{GatewaySection.Name}:{k}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var page = File.ReadAllText(Path.Combine(Docs, "configuration.md"));

        var named = DocumentedKey().Matches(page).Select(m => IndexSuffix().Replace(m.Groups[1].Value.TrimEnd(':'), "")).Distinct().ToList();

        Assert.NotEmpty(named);
        var unknown = named.Where(k => !known.Contains(k) && !sections.Contains(k) && !routing.Contains(k)).ToList();
        Assert.True(unknown.Count == 0, "docs/configuration.md names keys no options class binds: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Every_process_setting_is_documented()
    {
        var pages = Directory.GetFiles(Docs, "*.md").Select(File.ReadAllText).ToList();

        var undocumented = ProcessSettings().Where(key => !pages.Any(page => Documents(page, key))).ToList();

        Assert.True(undocumented.Count == 0, "process settings no page of docs/ documents (add them to the page of their topic): " + string.Join(", ", undocumented));
    }

    [Fact]
    public void The_route_and_backend_examples_are_read_without_a_problem_and_every_route_field_is_documented()
    {
        var page = File.ReadAllText(Path.Combine(Docs, "configuration.md"));
        var blocks = JsonBlock().Matches(page).Select(m => LineComment().Replace(m.Groups[1].Value, "")).ToList();
        var route = blocks.Single(b => b.TrimStart().StartsWith("{", StringComparison.Ordinal) && b.Contains("\"Matches\"", StringComparison.Ordinal));
        var backends = blocks.Single(b => b.TrimStart().StartsWith("\"Backends\"", StringComparison.Ordinal));

        var snapshot = Read($$"""{ "Routes": [ {{route}} ], {{backends}} }""");

        Assert.Empty(snapshot.Problems.Select(p => p.ToString()));
        Assert.Single(snapshot.Model.Routes);

        // The reader names the fields it accepts when it meets one it does not: each must be documented somewhere.
        var pages = string.Join("\n", Directory.GetFiles(Docs, "*.md").Select(File.ReadAllText));
        var accepted = Read("""{ "Routes": [ { "Name": "r", "NoSuchField": 1 } ] }""").Problems
            .Select(p => p.ToString())
            .Select(p => ExpectedFields().Match(p))
            .Single(m => m.Success)
            .Groups[1].Value.Split(", ");
        Assert.Contains("Matches", accepted);
        var undocumented = accepted.Where(f => !pages.Contains($"\"{f}\"", StringComparison.Ordinal) && !pages.Contains($"`{f}`", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, "route fields no page of docs/ documents: " + string.Join(", ", undocumented));
    }

    /// <summary>
    /// Every key the configuration binder fills from the <c>Gateway</c> and <c>Demo</c> sections, e.g.
    /// <c>Gateway:Kubernetes:LeaderElection:LeaseName</c>: settable properties, walked into nested options classes.
    /// </summary>
    private static IEnumerable<string> ProcessSettings() =>
        Keys(typeof(GatewayOptions), GatewayOptions.SectionName).Concat(Keys(typeof(DemoOptions), DemoOptions.SectionName));

    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsOptionsClass(propertyType))
            {
                // The binder fills a nested options object through its getter.
                foreach (var nested in Keys(propertyType, key))
                {
                    yield return nested;
                }
            }
            // A get-only collection is filled in place by the binder; a get-only array cannot be, so it is computed, not a setting.
            else if (property.SetMethod is { IsPublic: true } || (typeof(IEnumerable).IsAssignableFrom(propertyType) && propertyType != typeof(string) && !propertyType.IsArray))
            {
                yield return key;
            }
        }
    }

    private static bool IsOptionsClass(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) && type.Namespace?.StartsWith("Gateway", StringComparison.Ordinal) == true;

    /// <summary>
    /// A page documents <c>Gateway:A:B:C</c> when it names the whole key, shows it in a JSON example inside its parent
    /// object, or names a section of it (<c>Gateway:A</c>) and the rest in a table row or text (<c>B:C</c>, or <c>C</c>
    /// beside its section).
    /// </summary>
    private static bool Documents(string page, string key)
    {
        if (page.Contains(key, StringComparison.Ordinal))
        {
            return true;
        }

        // Or in a JSON example, nested in its parent: "Istio": { "GatewayNames": [...] }.
        var parts = key.Split(':');
        if (page.Contains($"\"{parts[^2]}\": {{", StringComparison.Ordinal) && page.Contains($"\"{parts[^1]}\":", StringComparison.Ordinal))
        {
            return true;
        }

        for (var i = parts.Length - 1; i >= 2; i--)
        {
            var section = string.Join(':', parts[..i]);
            var rest = string.Join(':', parts[i..]);
            if (page.Contains($"`{section}", StringComparison.Ordinal)
                && (page.Contains($"`{rest}`", StringComparison.Ordinal) || page.Contains($"`{rest} ", StringComparison.Ordinal) || page.Contains($"`{parts[^1]}`", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Prefixes(string key)
    {
        for (var i = key.IndexOf(':', StringComparison.Ordinal); i > 0; i = key.IndexOf(':', i + 1))
        {
            yield return key[..i];
        }
    }

    private static SourceSnapshot Read(string json)
    {
        var config = JsonConfigFile.TryLoad(Encoding.UTF8.GetBytes(json), out var error);
        Assert.True(config is not null, error);
        return GatewayConfigReader.Read(config, "docs/configuration.md", GatewayConfigReader.RoutingKeys);
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    [GeneratedRegex(@"`((?:Gateway|Demo):[A-Za-z0-9:]+)`")]
    private static partial Regex DocumentedKey();

    [GeneratedRegex(@":\d+(?=:|$)")]
    private static partial Regex IndexSuffix();

    [GeneratedRegex(@"```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex(@"(?m)\s+//[^\n]*$")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"expected one of: ([A-Za-z, ]+)")]
    private static partial Regex ExpectedFields();
}
