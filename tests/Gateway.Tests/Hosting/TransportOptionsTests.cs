using Gateway.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Gateway.Tests.Hosting;

public sealed class TransportOptionsTests
{
    [Fact]
    public void The_defaults_keep_Kestrels_transport()
    {
        var kestrel = new SocketTransportOptions();
        var transport = new SocketTransportOptions();

        new TransportOptions().ApplyTo(transport);

        Assert.Equal(kestrel.IOQueueCount, transport.IOQueueCount);
        Assert.Equal(kestrel.UnsafePreferInlineScheduling, transport.UnsafePreferInlineScheduling);
        Assert.Equal(kestrel.WaitForDataBeforeAllocatingBuffer, transport.WaitForDataBeforeAllocatingBuffer);
    }

    [Fact]
    public void Every_setting_reaches_the_transport()
    {
        var transport = new SocketTransportOptions();

        new TransportOptions { IOQueueCount = 0, UnsafePreferInlineScheduling = true, WaitForDataBeforeAllocatingBuffer = false }.ApplyTo(transport);

        Assert.Equal(0, transport.IOQueueCount);
        Assert.True(transport.UnsafePreferInlineScheduling);
        Assert.False(transport.WaitForDataBeforeAllocatingBuffer);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65)]
    public void An_out_of_range_queue_count_is_named(int count)
    {
        var options = new GatewayOptions { Transport = new TransportOptions { IOQueueCount = count } };

        Assert.Equal([$"Gateway:Transport:IOQueueCount {count} must be between 0 (thread pool) and 64"], options.Validate());
    }
}
