using Gateway.LoadBalancing;
using Microsoft.Extensions.Primitives;

namespace Gateway.Tests.LoadBalancing;

public sealed class CriticalityHeaderTests
{
    [Theory]
    [InlineData(null, "Standard")]
    [InlineData("", "Standard")]
    [InlineData("Critical", "Critical")]
    [InlineData(" critical ", "Critical")]
    [InlineData("SHEDDABLE", "Sheddable")]
    [InlineData("Standard", "Standard")]
    [InlineData("10", "Critical")]
    [InlineData("0", "Standard")]
    [InlineData("-1", "Sheddable")]
    [InlineData("batch-sheddable", "Standard")]
    [InlineData("urgent", "Standard")]
    public void Reads_level_names_and_priority_numbers_and_gives_nothing_else_priority(string? value, string expected)
    {
        Assert.Equal(expected, CriticalityHeader.Read(value is null ? StringValues.Empty : new StringValues(value)).ToString());
    }
}
