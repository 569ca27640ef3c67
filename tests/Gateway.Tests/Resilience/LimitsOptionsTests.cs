using Gateway.Hosting;

namespace Gateway.Tests.Resilience;

public sealed class LimitsOptionsTests
{
    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(new GatewayOptions().Validate());

    [Fact]
    public void Every_bad_limit_is_named()
    {
        var options = new GatewayOptions
        {
            Limits = new LimitsOptions
            {
                MaxRequestHeadersTotalSize = 10,
                MaxRequestLineSize = 10,
                MaxRequestBodySize = -1,
                RequestHeadersTimeout = TimeSpan.Zero,
                KeepAliveTimeout = TimeSpan.Zero,
                MinRequestBodyDataRateGracePeriod = TimeSpan.FromSeconds(1),
            },
        };

        Assert.Equal(
        [
            "Gateway:Limits:MaxRequestHeadersTotalSize 10 must be at least 1024 bytes",
            "Gateway:Limits:MaxRequestLineSize 10 must be at least 256 bytes",
            "Gateway:Limits:MaxRequestBodySize -1 must be 0 or more bytes",
            "Gateway:Limits:RequestHeadersTimeout '00:00:00' must be greater than zero",
            "Gateway:Limits:KeepAliveTimeout '00:00:00' must be greater than zero",
            "Gateway:Limits:MinRequestBodyDataRateGracePeriod '00:00:01' must be longer than 1 second",
        ],
        options.Validate());
    }
}
