using Gateway.Model;
using Gateway.Model.Store;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Observability;

/// <summary>OpenTelemetry wiring: metrics always (Prometheus on the admin or metrics port, OTLP when configured), traces when enabled.</summary>
internal static class TelemetryRegistration
{
    /// <summary>YARP's own activity source, which carries the forwarder span.</summary>
    private const string YarpActivitySource = "Yarp.ReverseProxy";

    private const string DefaultServiceName = "gateway";

    /// <summary>The runtime's own meters (.NET 9+): GC, thread pool, CPU, and the connections and requests of HttpClient, YARP's forwards included.</summary>
    private static readonly string[] RuntimeMeters = ["System.Runtime", "System.Net.Http"];

    public static void AddGatewayTelemetry(this IServiceCollection services, TelemetryOptions options, Func<int, bool> isOwnPort)
    {
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<RouteStatsRegistry>();
        services.AddSingleton<AccessLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLog>());

        // "gateway" names the service unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise: detecting the
        // environment again after AddService lets the standard variables (or the same keys in configuration) win.
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(DefaultServiceName).AddEnvironmentVariableDetector());
        if (options.Metrics)
        {
            telemetry.WithMetrics(metrics =>
            {
                // Not ASP.NET Core's hosting meter: gateway.request.duration already counts and times every request
                // by route, backend and status class, and the duplicate cost three more measurements per request.
                metrics.AddMeter(ModelStore.MeterName, "Microsoft.AspNetCore.Server.Kestrel")
                    .AddMeter(RuntimeMeters)
                    .AddPrometheusExporter();
                if (TelemetryOptions.OtlpMetricsExport)
                {
                    metrics.AddOtlpExporter();
                }
            });
        }

        if (!options.TracingEnabled)
        {
            return;
        }

        telemetry.WithTracing(tracing =>
        {
            tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !isOwnPort(context.Connection.LocalPort))
                .AddHttpClientInstrumentation()
                .AddSource(YarpActivitySource);
            if (TelemetryOptions.OtlpTracesExport)
            {
                tracing.AddOtlpExporter();
            }
        });
    }
}
