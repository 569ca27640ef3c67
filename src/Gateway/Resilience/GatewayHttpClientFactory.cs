using System.Collections.Concurrent;
using System.Net.Http;
using System.Runtime.CompilerServices;
using Gateway.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Resilience;

/// <summary>
/// YARP's client factory plus the backend's connect timeout, which YARP's HttpClientConfig does not carry; clusters with
/// equal client settings share one client.
/// </summary>
/// <remarks>
/// YARP asks for a client per cluster, and a SocketsHttpHandler per backend costs memory that 10,000 discovered Services
/// multiply. A handler pools connections per destination, so clusters can share one without sharing connections to
/// different pods; only a connection cap (MaxConnectionsPerServer) is per cluster, so such a cluster keeps its own.
/// YARP never disposes a client it replaces or drops (in-flight requests may still use it), so a shared client is never
/// disposed under another cluster. Distinct settings are few, so the shared clients are kept for the process lifetime.
/// </remarks>
internal sealed class GatewayHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger, IOptions<TelemetryOptions> options, ClusterRuntimeTable clusters)
    : ForwarderHttpClientFactory(logger), IForwarderHttpClientFactory
{
    /// <summary>YARP's default is 15 s; a black-holed endpoint should fail over (and count towards ejection) sooner.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly bool _tracing = options.Value.TracingEnabled;
    private readonly ConcurrentDictionary<(HttpClientConfig Config, TimeSpan ConnectTimeout), HttpMessageInvoker> _shared = new();

    /// <summary>The connect timeout each capped client was made with: the old cluster's runtime is no longer published.</summary>
    private readonly ConditionalWeakTable<HttpMessageInvoker, StrongBox<TimeSpan>> _connectTimeouts = new();

    HttpMessageInvoker IForwarderHttpClientFactory.CreateClient(ForwarderHttpClientContext context)
    {
        var connectTimeout = clusters.Find(context.ClusterId).ConnectTimeout;
        if (context.NewConfig.MaxConnectionsPerServer is not null)
        {
            var capped = CreateClient(context);
            _connectTimeouts.AddOrUpdate(capped, new StrongBox<TimeSpan>(connectTimeout));
            return capped;
        }

        var key = (context.NewConfig, connectTimeout);
        if (_shared.TryGetValue(key, out var client))
        {
            return client;
        }

        // A fresh client for the key, never the cluster's old one: that may be a capped client of its own.
        var created = CreateClient(new ForwarderHttpClientContext { ClusterId = context.ClusterId, NewConfig = context.NewConfig, NewMetadata = context.NewMetadata });
        client = _shared.GetOrAdd(key, created);
        if (!ReferenceEquals(client, created))
        {
            created.Dispose();
        }

        return client;
    }

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = clusters.Find(context.ClusterId).ConnectTimeout;
        if (!_tracing)
        {
            // Without a propagator the handler chain has no diagnostics stage: no per-request trace headers written for a
            // trace nobody records. A client's own traceparent is still forwarded unchanged, like any header.
            handler.ActivityHeadersPropagator = null;
        }
    }

    protected override bool CanReuseOldClient(ForwarderHttpClientContext context) =>
        base.CanReuseOldClient(context)
        && context.OldClient is { } old
        && _connectTimeouts.TryGetValue(old, out var connectTimeout)
        && connectTimeout.Value == clusters.Find(context.ClusterId).ConnectTimeout;
}
