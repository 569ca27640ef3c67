using Gateway.Primitives;

namespace Gateway.Tests.Proxy;

public sealed class RegexRewriteTests
{
    [Theory]
    // The ingress-nginx rewrite example: /something(/|$)(.*) with /$2.
    [InlineData("(?i:/something(/|$)(.*)).*", "/$2", "/something", "/")]
    [InlineData("(?i:/something(/|$)(.*)).*", "/$2", "/something/", "/")]
    [InlineData("(?i:/something(/|$)(.*)).*", "/$2", "/something/new", "/new")]
    [InlineData("(?i:/something(/|$)(.*)).*", "/$2", "/SOMETHING/a/b", "/a/b")]
    // rewrite-target "/" replaces the whole path, as nginx's rewrite does.
    [InlineData("(?i:/service-a).*", "/", "/service-a/predict", "/")]
    // A leading capture becomes an absolute path; a group that did not take part is empty.
    [InlineData("(?i:/api/(v[0-9]+)(/.*)?).*", "$1$2", "/api/v2", "/v2")]
    public void Captures_fill_the_template(string pattern, string template, string path, string expected)
    {
        var regex = RouteRegex.FullMatch(pattern);
        var match = regex.Match(path);

        Assert.True(match.Success);
        var result = RewriteTemplate.Parse(template).Expand(match);
        Assert.Equal(expected, result.StartsWith('/') ? result : "/" + result);
    }

    [Fact]
    public void The_template_knows_its_highest_group()
    {
        Assert.Equal(2, RewriteTemplate.Parse("/$2/x/$1").HighestGroup);
        Assert.Equal(0, RewriteTemplate.Parse("/").HighestGroup);
        Assert.Equal("/$2/x", RewriteTemplate.Parse("/$2/x").ToString());
    }
}
