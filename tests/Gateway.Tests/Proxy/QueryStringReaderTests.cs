using Gateway.Proxy.Routing;

namespace Gateway.Tests.Proxy;

public sealed class QueryStringReaderTests
{
    [Theory]
    [InlineData("?animal=whale", "animal", "whale")]
    [InlineData("animal=whale", "animal", "whale")]
    [InlineData("?color=blue&animal=whale", "animal", "whale")]
    [InlineData("?animal=whale&animal=dolphin", "animal", "whale")]
    [InlineData("?ANIMAL=whale&animal=dolphin", "animal", "dolphin")]
    [InlineData("?animal", "animal", "")]
    [InlineData("?animal=", "animal", "")]
    [InlineData("?an%69mal=a+b%20c", "animal", "a b c")]
    [InlineData("?&&animal=x&", "animal", "x")]
    [InlineData("?animal=a=b", "animal", "a=b")]
    public void Finds_the_first_value_of_the_exact_name_decoded(string query, string name, string expected)
    {
        Assert.True(QueryStringReader.TryGetFirst(query, name, out var value));
        Assert.Equal(expected, value.ToString());
    }

    [Theory]
    [InlineData("?ANIMAL=whale", "animal")]
    [InlineData("?animals=whale", "animal")]
    [InlineData("?anima=whale", "animal")]
    [InlineData("", "animal")]
    [InlineData(null, "animal")]
    [InlineData("?", "animal")]
    public void Names_compare_exactly(string? query, string name) =>
        Assert.False(QueryStringReader.TryGetFirst(query, name, out _));
}
