using System.Runtime.CompilerServices;
using Gateway.Sources.Kubernetes.Annotations;

namespace Gateway.Tests.Docs;

/// <summary>
/// The Service annotation table of docs/kubernetes.md and the code agree: every annotation a Service may carry has a row,
/// and every annotation a row names is one the code reads (a misspelt or removed one fails here, not on a user's cluster).
/// </summary>
public sealed class ServiceAnnotationDocsTests
{
    private const string Prefix = "mlgateway.io/";

    [Fact]
    public void The_kubernetes_page_documents_exactly_the_annotations_a_service_may_carry()
    {
        var documented = DocumentedServiceAnnotations();
        var known = KnownAnnotations.Service.ToHashSet(StringComparer.Ordinal);

        Assert.True(documented.Count > 20, $"the table of docs/kubernetes.md was not found: {documented.Count} annotations read");
        Assert.Empty(known.Except(documented).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Except(known).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The names in the first cell of each table row that starts with an annotation: full names, and the shorthand
    /// <c>`-rollout-interval`</c> for <c>mlgateway.io/rollout-interval</c> after a full name in the same cell.
    /// </summary>
    private static HashSet<string> DocumentedServiceAnnotations()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(PagePath()))
        {
            if (!line.StartsWith("| `" + Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var cell = line.Split('|')[1];
            var parts = cell.Split('`');
            for (var i = 1; i < parts.Length; i += 2)
            {
                var name = parts[i];
                if (name.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    names.Add(name);
                }
                else if (name.StartsWith('-'))
                {
                    names.Add(Prefix + name[1..]);
                }
            }
        }

        return names;
    }

    private static string PagePath([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "docs", "kubernetes.md"));
}
