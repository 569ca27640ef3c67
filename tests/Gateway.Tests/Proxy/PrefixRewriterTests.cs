using Gateway.Proxy.Routing;

namespace Gateway.Tests.Proxy;

public sealed class PrefixRewriterTests
{
    [Theory]
    [InlineData("/service-a/x", "/service-a", "/", "/x")]
    [InlineData("/service-a", "/service-a", "/", "/")]
    [InlineData("/service-a/", "/service-a", "/", "/")]
    [InlineData("/service-a/x", "/service-a/", "/", "/x")]
    [InlineData("/service-a/x", "/service-a", "/v2", "/v2/x")]
    [InlineData("/service-a", "/service-a", "/v2", "/v2")]
    [InlineData("/service-a/x", "/service-a", "/v2/", "/v2/x")]
    [InlineData("/x/y", "/", "/v2", "/v2/x/y")]
    [InlineData("/x", "/", "/", "/x")]
    public void Replace_swaps_the_matched_prefix_only(string path, string prefix, string replacement, string expected) =>
        Assert.Equal(expected, PrefixRewriter.Replace(path, prefix, replacement));

    [Theory]
    [InlineData("/a", "/a", true)]
    [InlineData("/a/", "/a", true)]
    [InlineData("/a/b", "/a", true)]
    [InlineData("/ab", "/a", false)]
    [InlineData("/A", "/a", false)]
    [InlineData("/a/b", "/a/", true)]
    [InlineData("/a", "/a/", true)]
    [InlineData("/anything", "/", true)]
    [InlineData("/", "/", true)]
    public void IsUnder_is_segment_aware_and_case_sensitive(string path, string prefix, bool expected) =>
        Assert.Equal(expected, PrefixRewriter.IsUnder(path, prefix));

    [Theory]
    [InlineData("/API/Admin/x", "/api/admin", true)]
    [InlineData("/api/ADMIN", "/api/admin", true)]
    [InlineData("/api/Administrator", "/api/admin", false)]
    public void IsUnder_can_ignore_case_and_stays_segment_aware(string path, string prefix, bool expected) =>
        Assert.Equal(expected, PrefixRewriter.IsUnder(path, prefix, StringComparison.OrdinalIgnoreCase));
}
