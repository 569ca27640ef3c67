using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;

namespace Gateway.Resilience;

/// <summary>Retries, health transitions and concurrency rejections. Labels are route and backend names from config, never request data.</summary>
internal sealed class ResilienceMetrics
{
    private readonly Counter<long> _retries;
    private readonly Counter<long> _healthTransitions;
    private readonly Counter<long> _concurrencyRejections;

    public ResilienceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ModelStore.MeterName);
        _retries = meter.CreateCounter<long>("gateway.retries", "{retry}", "Requests sent again to another endpoint, by route and reason (connect, status).");
        _healthTransitions = meter.CreateCounter<long>("gateway.health.transitions", "{transition}", "Endpoints that changed health, by backend, check (active, passive) and new state.");
        _concurrencyRejections = meter.CreateCounter<long>("gateway.concurrency.rejections", "{request}", "Requests refused with 503 because the backend's concurrency limit was reached.");
    }

    public void Retry(string route, string reason) =>
        _retries.Add(1, new TagList { { "route", route }, { "reason", reason } });

    public void HealthTransition(string backend, string check, string state) =>
        _healthTransitions.Add(1, new TagList { { "backend", backend }, { "check", check }, { "state", state } });

    public void ConcurrencyRejected(string backend) =>
        _concurrencyRejections.Add(1, new KeyValuePair<string, object?>("backend", backend));
}
