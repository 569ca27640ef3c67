using Gateway.Primitives;
using Microsoft.Extensions.Primitives;

namespace Gateway.Tests.Canary;

public sealed class CookieValueTests
{
    [Theory]
    [InlineData("uid=42", "42")]
    [InlineData("a=1; uid=42; b=2", "42")]
    [InlineData("a=1;uid=42", "42")]
    [InlineData("  uid = 42 ", "42")]
    [InlineData("uid=\"42\"", "42")]
    [InlineData("uid=", "")]
    [InlineData("uid=1; uid=2", "1")]
    [InlineData("x=a=b; uid=c=d", "c=d")]
    public void Finds_the_first_cookie_of_that_name(string header, string expected)
    {
        Assert.True(CookieValue.TryGet(new StringValues(header), "uid", out var value));
        Assert.Equal(expected, value.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("UID=42")]
    [InlineData("xuid=42; uidx=1")]
    [InlineData("uid")]
    [InlineData("=42; a=uid")]
    public void Reports_a_missing_cookie(string header)
    {
        Assert.False(CookieValue.TryGet(new StringValues(header), "uid", out _));
    }

    [Fact]
    public void Reads_every_cookie_header()
    {
        Assert.True(CookieValue.TryGet(new StringValues(["a=1", "b=2; uid=7"]), "uid", out var value));
        Assert.Equal("7", value.ToString());
        Assert.False(CookieValue.TryGet(StringValues.Empty, "uid", out _));
    }
}
