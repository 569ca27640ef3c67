using Gateway.Hosting;
using Gateway.RateLimiting;

namespace Gateway.Tests.RateLimiting;

public sealed class RateLimitingOptionsTests
{
    [Fact]
    public void Valid_settings_have_no_errors()
    {
        var options = new GatewayOptions { RateLimiting = new RateLimitingOptions { Redis = "127.0.0.1:6379", TrustedProxies = ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"] } };
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Every_bad_setting_is_named()
    {
        var options = new GatewayOptions
        {
            RateLimiting = new RateLimitingOptions
            {
                TrustedProxies = ["10.0.0.0/33", "proxy.local"],
                MaxKeysPerPolicy = 0,
                EvictionInterval = TimeSpan.Zero,
            },
        };
        Assert.Equal(
        [
            "Gateway:RateLimiting:TrustedProxies:0 '10.0.0.0/33' is not an IP address or CIDR range such as 10.0.0.0/8",
            "Gateway:RateLimiting:TrustedProxies:1 'proxy.local' is not an IP address or CIDR range such as 10.0.0.0/8",
            "Gateway:RateLimiting:MaxKeysPerPolicy 0 must be at least 1",
            "Gateway:RateLimiting:EvictionInterval '00:00:00' must be greater than zero",
        ], options.Validate());
    }
}
