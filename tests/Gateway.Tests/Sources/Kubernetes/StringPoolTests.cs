using Gateway.Sources.Kubernetes;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class StringPoolTests
{
    [Fact]
    public void Equal_strings_share_the_first_instance()
    {
        var pool = new StringPool(capacity: 4, maxLength: 16);
        var first = new string("default".AsSpan());

        Assert.Same(first, pool.Share(first));
        Assert.Same(first, pool.Share(new string("default".AsSpan())));
        Assert.Null(pool.Share(null));
    }

    [Fact]
    public void Strings_past_the_capacity_or_the_length_limit_come_back_as_they_are()
    {
        var pool = new StringPool(capacity: 2, maxLength: 8);
        pool.Share("one");
        pool.Share("two");
        var third = new string("three".AsSpan());
        var long1 = new string("a-long-name".AsSpan());

        Assert.Same(third, pool.Share(third));
        Assert.NotSame(third, pool.Share(new string("three".AsSpan())));
        Assert.NotSame(long1, pool.Share(new string("a-long-name".AsSpan())));
        Assert.Equal("one", pool.Share(new string("one".AsSpan())));
    }
}
