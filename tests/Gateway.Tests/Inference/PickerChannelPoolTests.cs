using Gateway.Inference.EndpointPicker;
using Gateway.Model;
using Gateway.Resilience;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Inference;

/// <summary>
/// The picker channels follow the published pools: a channel is shared while a pool's picker has its address, retired
/// when none has it any more (a removed pool, a picker Service moved elsewhere), and disposed once its last call ends.
/// </summary>
public sealed class PickerChannelPoolTests
{
    private const string Address = "http://127.0.0.1:9";

    private readonly ClusterRuntimeTable _clusters = new();

    [Fact]
    public void A_channel_is_shared_while_a_pool_uses_its_address_and_replaced_after_the_pool_is_removed()
    {
        Publish(EndpointSet.Live([Address]));
        using var pool = NewPool();

        var first = Use(pool);
        Assert.Same(first, Use(pool));

        Publish(null);

        Assert.NotSame(first, Use(pool));
    }

    [Fact]
    public void A_channel_is_retired_when_the_pickers_endpoints_move_to_another_address()
    {
        var endpoints = EndpointSet.Live([Address]);
        Publish(endpoints);
        using var pool = NewPool();
        var first = Use(pool);

        Assert.True(endpoints.Replace(["http://127.0.0.1:10"]));
        endpoints.NotifyChanged();

        Assert.NotSame(first, Use(pool));
    }

    [Fact]
    public void A_retired_channel_takes_no_new_call_and_is_disposed_when_its_last_call_ends()
    {
        Publish(EndpointSet.Live([Address]));
        using var pool = NewPool();
        var held = pool.Acquire(Address);

        Publish(null);

        Assert.False(held.TryAcquire());
        using (held.Client.Process())
        {
            // Still open for the call that holds it.
        }

        held.Release();
        Assert.Throws<ObjectDisposedException>(() => held.Client.Process());
    }

    private PickerChannelPool NewPool() => new(Options.Create(new EndpointPickerOptions { Tls = false }), _clusters);

    private static PickerChannel Use(PickerChannelPool pool)
    {
        var channel = pool.Acquire(Address);
        channel.Release();
        return channel;
    }

    private void Publish(EndpointSet? pickerEndpoints) =>
        _clusters.Publish(pickerEndpoints is null
            ? new Dictionary<string, ClusterRuntime>()
            : new Dictionary<string, ClusterRuntime> { ["p"] = new() { EndpointPicker = new global::Gateway.Model.EndpointPicker { Pool = "default/p", Endpoints = pickerEndpoints } } });
}
