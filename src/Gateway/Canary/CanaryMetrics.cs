using System.Diagnostics.Metrics;
using Gateway.Model;

namespace Gateway.Canary;

/// <summary>
/// Per-variant instruments on the gateway's meter, tagged with the route and the variant (a backend name): both come
/// from configuration, so cardinality stays bounded whatever clients send.
/// </summary>
internal sealed class CanaryMetrics
{
    public CanaryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ModelStore.MeterName);
        Requests = meter.CreateCounter<long>(
            "gateway.canary.requests", "{request}", "Requests of split routes, by route and the variant that served them.");
        Errors = meter.CreateCounter<long>(
            "gateway.canary.errors", "{request}", "Requests of split routes answered with a 5xx status or not forwarded, by route and variant.");
        Duration = meter.CreateHistogram(
            "gateway.canary.request.duration",
            "s",
            "Time from variant selection to the end of the response, by route and variant.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    public Counter<long> Requests { get; }

    public Counter<long> Errors { get; }

    public Histogram<double> Duration { get; }
}
