using System.Collections.Concurrent;
using Gateway.Model;
using Gateway.Resilience;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace Gateway.Inference.EndpointPicker;

/// <summary>
/// One pooled HTTP/2 channel per picker address, shared by every request. When a snapshot is published or a picker
/// Service's endpoints change, the channels of addresses no pool's picker has any more are retired: each is disposed,
/// its connections closed, once no call uses it, so pools and picker pods that come and go leave nothing behind.
/// </summary>
internal sealed class PickerChannelPool : IDisposable
{
    private readonly EndpointPickerOptions _options;
    private readonly ClusterRuntimeTable _clusters;
    private readonly ConcurrentDictionary<string, PickerChannel> _channels = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();
    private readonly Action<EndpointSet> _onEndpointsChanged;
    private HashSet<EndpointSet> _watched = new(ReferenceEqualityComparer.Instance);

    public PickerChannelPool(IOptions<EndpointPickerOptions> options, ClusterRuntimeTable clusters)
    {
        _options = options.Value;
        _clusters = clusters;
        _onEndpointsChanged = _ => Sweep();
        clusters.Published += Sweep;

        // Follows the pickers of the snapshot already published, when this is made after it.
        Sweep();
    }

    /// <summary>The channel of <paramref name="address"/>, counted in; the caller calls <see cref="PickerChannel.Release"/> when its call ends.</summary>
    public PickerChannel Acquire(string address)
    {
        while (true)
        {
            var channel = _channels.GetOrAdd(address, static (key, options) => Create(key, options), _options);
            if (channel.TryAcquire())
            {
                return channel;
            }

            _channels.TryRemove(KeyValuePair.Create(address, channel));
        }
    }

    /// <summary>Retires the channels of addresses that no published pool's picker has, and follows the pickers' live endpoint sets.</summary>
    public void Sweep()
    {
        lock (_sweepLock)
        {
            var inUse = new HashSet<string>(StringComparer.Ordinal);
            var watched = new HashSet<EndpointSet>(ReferenceEqualityComparer.Instance);
            foreach (var runtime in _clusters.Runtimes)
            {
                if (runtime.EndpointPicker is { } picker)
                {
                    inUse.UnionWith(picker.Endpoints.Current);
                    if (picker.Endpoints.IsLive)
                    {
                        watched.Add(picker.Endpoints);
                    }
                }
            }

            foreach (var set in watched)
            {
                if (!_watched.Contains(set))
                {
                    set.Changed += _onEndpointsChanged;
                }
            }

            foreach (var set in _watched)
            {
                if (!watched.Contains(set))
                {
                    set.Changed -= _onEndpointsChanged;
                }
            }

            _watched = watched;
            foreach (var (address, channel) in _channels)
            {
                if (!inUse.Contains(address) && _channels.TryRemove(KeyValuePair.Create(address, channel)))
                {
                    channel.Retire();
                }
            }
        }
    }

    public void Dispose()
    {
        _clusters.Published -= Sweep;
        lock (_sweepLock)
        {
            foreach (var set in _watched)
            {
                set.Changed -= _onEndpointsChanged;
            }
        }

        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private static PickerChannel Create(string address, EndpointPickerOptions options)
    {
        var target = options.Tls && address.StartsWith("http://", StringComparison.Ordinal) ? "https://" + address["http://".Length..] : address;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            ConnectTimeout = options.Timeout,
        };
        if (options.Tls)
        {
            // The reference picker's serving certificate is self-signed and made at its start: there is nothing to verify it against.
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        // An HttpClient rather than the handler: the channel then leaves connections to SocketsHttpHandler, which
        // connects again on the next request once a restarted picker listens. Given the handler, gRPC's own
        // connection management would fail every call for its reconnect backoff (1 s, growing to 2 min) after the
        // picker came back, and add a balancing step to each call; the gateway spreads requests over pickers itself.
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return new PickerChannel(GrpcChannel.ForAddress(target, new GrpcChannelOptions { HttpClient = http, DisposeHttpClient = true }));
    }
}
