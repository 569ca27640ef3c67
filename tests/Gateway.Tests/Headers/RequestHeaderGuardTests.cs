using Gateway.Headers;

namespace Gateway.Tests.Headers;

public sealed class RequestHeaderGuardTests
{
    [Theory]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln")]
    [InlineData("a\tb")]
    [InlineData("\t")]
    [InlineData(" !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~")]
    public void Visible_ascii_spaces_and_tabs_are_forwardable(string value) =>
        Assert.True(RequestHeaderGuardMiddleware.IsForwardable(value));

    [Theory]
    [InlineData("\u0000")]
    [InlineData("a\u0001")]
    [InlineData("a\tb\u0008")]
    [InlineData("\u000Bx")]
    [InlineData("x\u001Fx")]
    [InlineData("x\u007F")]
    [InlineData("caf\u00E9")]
    [InlineData("\u4E2D")]
    [InlineData("\tthis value is long enough to take the vectorised path of the search \u0002 before its end")]
    public void Control_and_non_ascii_characters_are_not(string value) =>
        Assert.False(RequestHeaderGuardMiddleware.IsForwardable(value));
}
