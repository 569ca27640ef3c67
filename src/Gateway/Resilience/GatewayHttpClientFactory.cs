using System.Globalization;
using System.Net.Http;
using Gateway.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Resilience;

/// <summary>YARP's client factory plus the backend's connect timeout, which YARP's HttpClientConfig does not carry.</summary>
internal sealed class GatewayHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger, IOptions<GatewayOptions> options)
    : ForwarderHttpClientFactory(logger)
{
    /// <summary>YARP's default is 15 s; a black-holed endpoint should fail over (and count towards ejection) sooner.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly bool _tracing = options.Value.Telemetry.TracingEnabled;

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = ConnectTimeout(context.NewMetadata);
        if (!_tracing)
        {
            // Without a propagator the handler chain has no diagnostics stage: no per-request trace headers written for a
            // trace nobody records. A client's own traceparent is still forwarded unchanged, like any header.
            handler.ActivityHeadersPropagator = null;
        }
    }

    protected override bool CanReuseOldClient(ForwarderHttpClientContext context) =>
        base.CanReuseOldClient(context) && ConnectTimeout(context.OldMetadata) == ConnectTimeout(context.NewMetadata);

    private static TimeSpan ConnectTimeout(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(ClusterMetadataKeys.ConnectTimeout, out var text)
            ? TimeSpan.Parse(text, CultureInfo.InvariantCulture)
            : DefaultConnectTimeout;
}
