using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Model.Store;

namespace Gateway.Inference.EndpointPicker;

/// <summary>Picks, failures by reason, response-phase failures, fallbacks and round-trip time of the InferencePools' endpoint pickers, labelled by pool.</summary>
internal sealed class EndpointPickerMetrics
{
    private readonly Counter<long> _picks;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _responseFailures;
    private readonly Counter<long> _fallbacks;

    public EndpointPickerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ModelStore.MeterName);
        _picks = meter.CreateCounter<long>("gateway.endpoint_picker.picks", "{request}", "Requests an InferencePool's endpoint picker answered, by pool and outcome (picked, or answered: the picker answered the client itself).");
        _failures = meter.CreateCounter<long>("gateway.endpoint_picker.failures", "{request}", "Requests whose endpoint picker failed, by pool, reason and what the pool's failureMode did (fail_open, fail_close).");
        _duration = meter.CreateHistogram<double>("gateway.endpoint_picker.duration", "s", "Round-trip time of the endpoint picker exchange of a request, by pool.");
        _responseFailures = meter.CreateCounter<long>("gateway.endpoint_picker.response_failures", "{request}", "Responses whose endpoint picker failed while following them (the response went on unchanged), by pool, phase and reason.");
        _fallbacks = meter.CreateCounter<long>("gateway.endpoint_picker.fallbacks", "{request}", "Requests sent to the next endpoint of the picker's list because the connection to the one before failed, by pool.");
    }

    public void Picked(string pool, string outcome) => _picks.Add(1, new TagList { { "pool", pool }, { "outcome", outcome } });

    public void Failed(string pool, string reason, bool failOpen) =>
        _failures.Add(1, new TagList { { "pool", pool }, { "reason", reason }, { "failure_mode", failOpen ? "fail_open" : "fail_close" } });

    public void ResponseFailed(string pool, string phase, string reason) =>
        _responseFailures.Add(1, new TagList { { "pool", pool }, { "phase", phase }, { "reason", reason } });

    public void Fallback(string pool) => _fallbacks.Add(1, new TagList { { "pool", pool } });

    public void Duration(string pool, TimeSpan elapsed) => _duration.Record(elapsed.TotalSeconds, new TagList { { "pool", pool } });
}
