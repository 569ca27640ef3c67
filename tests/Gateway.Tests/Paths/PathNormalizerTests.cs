using Gateway.Model;
using Gateway.Paths;

namespace Gateway.Tests.Paths;

public sealed class PathNormalizerTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/service-a/x")]
    [InlineData("/models/llama-3.1/predict")]
    [InlineData("/v1/models/m:predict")]
    [InlineData("/a/x.y/z.")]
    public void Normal_paths_are_left_alone(string path)
    {
        var result = PathNormalizer.Normalize(path, mergeSlashes: true);

        Assert.Null(result.Refusal);
        Assert.Null(result.Path);
        Assert.Equal(PathForms.None, result.Forms);
    }

    [Theory]
    // Repeated slashes.
    [InlineData("/api//admin/users", "/api/admin/users", "/api/admin/users")]
    [InlineData("//api///admin//", "/api/admin/", "/api/admin/")]
    [InlineData("//", "/", "/")]
    // Dot segments (RFC 3986 remove_dot_segments), also when written as escapes.
    [InlineData("/a/./b", "/a/b", "/a/b")]
    [InlineData("/a/b/../c", "/a/c", "/a/c")]
    [InlineData("/a/b/..", "/a/", "/a/")]
    [InlineData("/a/b/.", "/a/b/", "/a/b/")]
    [InlineData("/.", "/", "/")]
    [InlineData("/api/../api/admin/users", "/api/admin/users", "/api/admin/users")]
    [InlineData("/api/%2e%2E/api/admin", "/api/admin", "/api/admin")]
    [InlineData("/api/.%2e/admin", "/admin", "/admin")]
    [InlineData("/api//../admin", "/admin", "/admin")]
    [InlineData("/.well-known/x", "/.well-known/x", "/.well-known/x")]
    [InlineData("/a/.../b..", "/a/.../b..", "/a/.../b..")]
    // Unreserved characters are decoded.
    [InlineData("/api/%61dmin", "/api/admin", "/api/admin")]
    [InlineData("/%41%7e%5F%2d%30", "/A~_-0", "/A~_-0")]
    // Other escapes keep their meaning; their hex is upper-cased.
    [InlineData("/a%3ab", "/a%3Ab", "/a%3Ab")]
    [InlineData("/a%40b%2B", "/a%40b%2B", "/a%40b%2B")]
    [InlineData("/100%25", "/100%25", "/100%25")]
    [InlineData("/a%25%32%46", "/a%252F", "/a%252F")]
    [InlineData("/my%20model", "/my model", "/my%20model")]
    [InlineData("/q%3f%23", "/q?#", "/q%3F%23")]
    // UTF-8 is decoded; bytes that are not UTF-8 stay escaped, as sent.
    [InlineData("/caf%C3%A9", "/café", "/caf%C3%A9")]
    [InlineData("/caf%c3%a9", "/café", "/caf%C3%A9")]
    [InlineData("/caf%e9", "/caf%E9", "/caf%E9")]
    [InlineData("/%F0%9F%98%80", "/😀", "/%F0%9F%98%80")]
    [InlineData("/%C3%28", "/%C3%28", "/%C3%28")]
    [InlineData("/%C0x", "/%C0x", "/%C0x")]
    [InlineData("/%E0%A4%85", "/अ", "/%E0%A4%85")]
    [InlineData("/%E2%82", "/%E2%82", "/%E2%82")]
    [InlineData("/é", "/é", "/%C3%A9")]
    public void Paths_are_normalised(string raw, string decoded, string forwarded)
    {
        var result = PathNormalizer.Normalize(raw, mergeSlashes: true);

        Assert.Null(result.Refusal);
        Assert.Equal(decoded, result.Path);
        Assert.Equal(PathForms.None, result.Forms);
        Assert.Equal(forwarded, PathEncoder.Encode(result.Path!));
    }

    [Theory]
    [InlineData("/api/admin;x/users", "/api/admin;x/users", (int)PathForms.Parameters)]
    [InlineData("/api/admin%3bx/users", "/api/admin%3Bx/users", (int)PathForms.Parameters)]
    [InlineData("/api%2fadmin/users", "/api%2Fadmin/users", (int)PathForms.EncodedSlashes)]
    [InlineData("/api%5Cadmin", "/api%5Cadmin", (int)PathForms.EncodedSlashes)]
    [InlineData("/a/..%2fadmin", "/a/..%2Fadmin", (int)PathForms.EncodedSlashes)]
    [InlineData("/a;v=1/b%2Fc", "/a;v=1/b%2Fc", (int)(PathForms.Parameters | PathForms.EncodedSlashes))]
    public void Forms_only_some_routes_accept_are_reported(string raw, string normalised, int forms)
    {
        var result = PathNormalizer.Normalize(raw, mergeSlashes: true);

        Assert.Null(result.Refusal);
        Assert.Equal(normalised, result.Path);
        Assert.Equal((PathForms)forms, result.Forms);
        Assert.Equal(normalised, PathEncoder.Encode(result.Path!));
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "/..", nameof(PathRefusal.AboveRoot) },
        { "/a/../..", nameof(PathRefusal.AboveRoot) },
        { "/%2e%2e/admin", nameof(PathRefusal.AboveRoot) },
        { "/api\\admin", nameof(PathRefusal.Backslash) },
        { "/a%00", nameof(PathRefusal.ControlCharacter) },
        { "/a%0Ab", nameof(PathRefusal.ControlCharacter) },
        { "/a%7f", nameof(PathRefusal.ControlCharacter) },
        { "/a%C2%85", nameof(PathRefusal.ControlCharacter) },
        { "/a\tb", nameof(PathRefusal.ControlCharacter) },
        { "/api/%C0%AE%C0%AE/admin", nameof(PathRefusal.OverlongUtf8) },
        { "/a%c1%81", nameof(PathRefusal.OverlongUtf8) },
        { "/a%E0%80%AE", nameof(PathRefusal.OverlongUtf8) },
        { "/a%F0%80%80%AE", nameof(PathRefusal.OverlongUtf8) },
        { "/a%", nameof(PathRefusal.MalformedEscape) },
        { "/a%4", nameof(PathRefusal.MalformedEscape) },
        { "/a%zz", nameof(PathRefusal.MalformedEscape) },
        { "/api/..;/api/admin/users", nameof(PathRefusal.DotSegmentWithParameters) },
        { "/api/.;x/admin", nameof(PathRefusal.DotSegmentWithParameters) },
        { "/api/%2E%2E%3B/admin", nameof(PathRefusal.DotSegmentWithParameters) },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Paths_that_cannot_be_normalised_safely_are_refused(string raw, string refusal)
    {
        var result = PathNormalizer.Normalize(raw, mergeSlashes: true);

        Assert.Same(typeof(PathRefusal).GetProperty(refusal)!.GetValue(null), result.Refusal);
        Assert.Null(result.Path);
    }

    [Theory]
    [InlineData("/a//b", "/a//b")]
    [InlineData("/a//../b", "/a/b")]
    [InlineData("//..", "/")]
    public void Without_merging_empty_segments_stay_and_count_as_segments(string raw, string expected) =>
        Assert.Equal(expected, PathNormalizer.Normalize(raw, mergeSlashes: false).Path ?? raw);

    [Fact]
    public void A_path_longer_than_the_stack_buffer_is_normalised_too()
    {
        var segment = new string('x', 300);
        var result = PathNormalizer.Normalize($"/a//{segment}/./%41", mergeSlashes: true);

        Assert.Equal($"/a/{segment}/A", result.Path);
    }

    [Theory]
    [InlineData("/a/b?c=/../d", "/a/b")]
    [InlineData("/", "/")]
    [InlineData("http://example.com/a//b?x", "/a//b")]
    [InlineData("http://example.com", "")]
    [InlineData("http://example.com?x=/y", "")]
    [InlineData("*", "")]
    [InlineData("example.com:443", "")]
    public void PathOf_reads_the_path_of_every_target_form(string target, string path) =>
        Assert.Equal(path, PathNormalizer.PathOf(target).ToString());
}
