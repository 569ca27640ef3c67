using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;

namespace Gateway.Observability;

/// <summary>
/// The gateway's request instruments. Labels are the route name, the backend (the variant that served) and the status
/// class, all bounded by configuration; never a raw path or client key.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string RouteTag = "route";
    public const string BackendTag = "backend";
    public const string StatusClassTag = "status_class";
    public const string ModelTag = "model";
    public const string VariantTag = "variant";

    /// <summary>Label value for requests no route matched.</summary>
    public const string NoRoute = "(none)";

    /// <summary>Label value for a requested model the configuration does not name.</summary>
    public const string OtherModel = "(other)";

    // Seconds, from a fast cache hit to a long generation; the SDK's default buckets are meant for milliseconds.
    private static readonly InstrumentAdvice<double> DurationBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    };

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _modelRequests;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ModelStore.MeterName);
        _requests = meter.CreateCounter<long>("gateway.requests", "{request}", "Requests answered, by route, backend and status class.");
        _duration = meter.CreateHistogram("gateway.request.duration", "s", "Time from request arrival to response completion.", advice: DurationBuckets);
        _modelRequests = meter.CreateCounter<long>("gateway.model.requests", "{request}", "Requests of routes with a model canary, by route, requested model and the variant that served it.");
        _upstreamDuration = meter.CreateHistogram("gateway.upstream.duration", "s", "Time spent forwarding to the backend and streaming its response.", advice: DurationBuckets);
    }

    public void RecordRequest(string route, string backend, int statusCode, TimeSpan duration)
    {
        if (!_requests.Enabled && !_duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { RouteTag, route },
            { BackendTag, backend },
            { StatusClassTag, StatusClass.Of(statusCode) },
        };
        _requests.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>
    /// Counts a request a model canary sent to <paramref name="variant"/>. <paramref name="model"/> is the requested name
    /// when the configuration names it and <see cref="OtherModel"/> otherwise, so clients cannot grow the label set.
    /// </summary>
    public void RecordModelRequest(string route, string model, string variant)
    {
        if (_modelRequests.Enabled)
        {
            _modelRequests.Add(1, new TagList { { RouteTag, route }, { ModelTag, model }, { VariantTag, variant } });
        }
    }

    /// <summary>True while something listens to the upstream duration, so timing the forward is worth an await.</summary>
    public bool UpstreamEnabled => _upstreamDuration.Enabled;

    public void RecordUpstream(string route, string backend, TimeSpan duration)
    {
        if (_upstreamDuration.Enabled)
        {
            _upstreamDuration.Record(duration.TotalSeconds, new TagList { { RouteTag, route }, { BackendTag, backend } });
        }
    }
}
