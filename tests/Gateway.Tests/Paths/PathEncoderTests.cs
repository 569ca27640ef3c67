using Gateway.Paths;

namespace Gateway.Tests.Paths;

public sealed class PathEncoderTests
{
    [Theory]
    [InlineData("/a/b:c@d;e=f", "/a/b:c@d;e=f")]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/😀", "/%F0%9F%98%80")]
    [InlineData("/caf%e9", "/caf%E9")]
    [InlineData("/100%", "/100%25")]
    [InlineData("/%zz", "/%25zz")]
    [InlineData("/a%2F%20b c", "/a%2F%20b%20c")]
    public void Escapes_stay_and_everything_else_is_escaped_as_utf8(string path, string expected) =>
        Assert.Equal(expected, PathEncoder.Encode(path));

    [Fact]
    public void A_lone_surrogate_is_sent_as_the_replacement_character() =>
        Assert.Equal("/%EF%BF%BDx", PathEncoder.Encode("/" + (char)0xD800 + "x"));

    [Fact]
    public void A_path_without_anything_to_escape_is_returned_as_is()
    {
        const string path = "/v1/models/m:predict";

        Assert.Same(path, PathEncoder.Encode(path));
    }
}
