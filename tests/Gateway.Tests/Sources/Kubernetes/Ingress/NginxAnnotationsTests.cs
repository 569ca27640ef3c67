using System.Runtime.CompilerServices;
using Gateway.Sources.Kubernetes.Annotations;
using Gateway.Sources.Kubernetes.Ingress;

namespace Gateway.Tests.Sources.Kubernetes.Ingress;

public sealed class NginxAnnotationsTests
{
    [Fact]
    public void The_ingress_nginx_page_table_names_every_annotation_with_the_support_the_code_gives_it()
    {
        var page = File.ReadAllText(PagePath());
        var start = page.IndexOf("# Coming from ingress-nginx", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/ingress-nginx.md has no 'Coming from ingress-nginx' heading");
        var rows = page[start..].Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToArray();

        foreach (var (name, support) in NginxAnnotations.Catalogue)
        {
            var row = rows.FirstOrDefault(r => r.Split('|')[1].Contains($"`{name}`", StringComparison.Ordinal));
            Assert.True(row is not null, $"the docs/ingress-nginx.md table has no row for {name}");
            var expected = support switch
            {
                AnnotationSupport.Supported => "| supported |",
                AnnotationSupport.Ignored => "| not supported (warning) |",
                _ => "| refused |",
            };
            Assert.True(row.Contains(expected, StringComparison.Ordinal), $"the docs/ingress-nginx.md row of {name} should say {expected}: {row}");
        }
    }

    [Theory]
    [InlineData("configuration-snippet", "Refused")]
    [InlineData("some-future-snippet", "Refused")]
    [InlineData("rewrite-target", "Supported")]
    [InlineData("affinity", "Ignored")]
    [InlineData("auth-url", "Refused")]
    [InlineData("no-such-annotation", "")]
    public void Support_classifies_annotations(string name, string expected) =>
        Assert.Equal(expected, NginxAnnotations.Support(NginxAnnotations.Prefix + name)?.ToString() ?? "");

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1000", 1000L)]
    [InlineData("8k", 8192L)]
    [InlineData("8K", 8192L)]
    [InlineData("1m", 1048576L)]
    [InlineData("2G", 2147483648L)]
    public void Nginx_sizes_parse(string text, long bytes)
    {
        Assert.True(NginxSize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("1.5m")]
    [InlineData("10x")]
    [InlineData("-1")]
    public void Bad_sizes_do_not_parse(string text) => Assert.False(NginxSize.TryParse(text, out _));

    private static string PagePath([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "..", "..", "docs", "ingress-nginx.md"));
}
