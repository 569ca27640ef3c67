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

    // Seconds per output token: from a fast small model (~1 ms) to a slow large one.
    private static readonly InstrumentAdvice<double> TokenTimeBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 1],
    };

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _modelRequests;
    private readonly Counter<long> _inputTokens;
    private readonly Counter<long> _outputTokens;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _timePerOutputToken;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ModelStore.MeterName);
        _requests = meter.CreateCounter<long>("gateway.requests", "{request}", "Requests answered, by route, backend and status class.");
        _duration = meter.CreateHistogram("gateway.request.duration", "s", "Time from request arrival to response completion.", advice: DurationBuckets);
        _modelRequests = meter.CreateCounter<long>("gateway.model.requests", "{request}", "Requests of routes with a model canary, by route, requested model and the variant that served it.");
        _upstreamDuration = meter.CreateHistogram("gateway.upstream.duration", "s", "Time spent forwarding to the backend and streaming its response.", advice: DurationBuckets);
        _inputTokens = meter.CreateCounter<long>("gateway.model.input_tokens", "{token}", "Prompt tokens of inference requests as the model server reported them, by route, requested model and variant.");
        _outputTokens = meter.CreateCounter<long>("gateway.model.output_tokens", "{token}", "Completion tokens of inference responses as the model server reported them, by route, requested model and variant.");
        _timeToFirstToken = meter.CreateHistogram("gateway.model.time_to_first_token", "s", "Time from forwarding a streamed inference request to the first byte of its response.", advice: DurationBuckets);
        _timePerOutputToken = meter.CreateHistogram("gateway.model.time_per_output_token", "s", "Time between output tokens of a streamed inference response: from its first byte to its end, over its completion tokens after the first.", advice: TokenTimeBuckets);
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

    /// <summary>Counts the tokens one response reported; <paramref name="model"/> and <paramref name="variant"/> are bounded as in <see cref="RecordModelRequest"/>.</summary>
    public void RecordModelTokens(string route, string model, string variant, long inputTokens, long outputTokens)
    {
        if (_inputTokens.Enabled || _outputTokens.Enabled)
        {
            var tags = new TagList { { RouteTag, route }, { ModelTag, model }, { VariantTag, variant } };
            _inputTokens.Add(inputTokens, tags);
            _outputTokens.Add(outputTokens, tags);
        }
    }

    /// <summary>Records a streamed response's time to first token and, when it had more than one, time per output token.</summary>
    public void RecordModelTiming(string route, string model, string variant, TimeSpan timeToFirstToken, TimeSpan? timePerOutputToken)
    {
        if (_timeToFirstToken.Enabled || _timePerOutputToken.Enabled)
        {
            var tags = new TagList { { RouteTag, route }, { ModelTag, model }, { VariantTag, variant } };
            _timeToFirstToken.Record(timeToFirstToken.TotalSeconds, tags);
            if (timePerOutputToken is { } perToken)
            {
                _timePerOutputToken.Record(perToken.TotalSeconds, tags);
            }
        }
    }
}
