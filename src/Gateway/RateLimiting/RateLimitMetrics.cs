using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Model;

namespace Gateway.RateLimiting;

/// <summary>
/// Counts limit decisions by policy and result (admitted, queued, rejected, failed_open, failed_closed), and puts the
/// decision on the request's span.
/// </summary>
internal sealed class RateLimitMetrics(IMeterFactory meterFactory)
{
    private readonly Counter<long> _decisions = meterFactory.Create(ModelStore.MeterName)
        .CreateCounter<long>("gateway.ratelimit.decisions", description: "Rate-limit decisions, by policy and result.");

    public void Record(string policy, string result)
    {
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("gateway.ratelimit.policy", policy);
            activity.SetTag("gateway.ratelimit.decision", result);
        }

        if (_decisions.Enabled)
        {
            _decisions.Add(1, new KeyValuePair<string, object?>("policy", policy), new KeyValuePair<string, object?>("result", result));
        }
    }
}
