using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;

namespace Gateway.RateLimiting;

/// <summary>
/// Counts limit decisions by policy and result (admitted, queued, rejected, failed_open, failed_closed), and puts the
/// decision on the request's span; shows whether the Redis circuit is open.
/// </summary>
internal sealed class RateLimitMetrics(IMeterFactory meterFactory, RedisCircuitBreaker redisCircuit)
{
    private readonly Counter<long> _decisions = meterFactory.Create(ModelStore.MeterName)
        .CreateCounter<long>("gateway.ratelimit.decisions", description: "Rate-limit decisions, by policy and result.");

    private readonly ObservableGauge<int> _redisCircuit = meterFactory.Create(ModelStore.MeterName)
        .CreateObservableGauge("gateway.ratelimit.redis.circuit_open", () => redisCircuit.IsOpen ? 1 : 0, "{circuit}", "1 while Redis is not asked (it failed repeatedly and no probe got an answer yet), else 0.");

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
