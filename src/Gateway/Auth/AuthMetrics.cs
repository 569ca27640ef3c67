using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;

namespace Gateway.Auth;

/// <summary>
/// Counts auth decisions by route, policy and result (allowed, missing, invalid, forbidden) and puts the result on the
/// request's span. Labels come from configuration only, never from credentials.
/// </summary>
internal sealed class AuthMetrics(IMeterFactory meterFactory)
{
    private readonly Counter<long> _decisions = meterFactory.Create(ModelStore.MeterName)
        .CreateCounter<long>("gateway.auth.decisions", description: "Authentication decisions, by route, policy and result.");

    public void Record(string route, string policy, AuthOutcome outcome)
    {
        var result = outcome switch
        {
            AuthOutcome.Allowed => "allowed",
            AuthOutcome.Forbidden => "forbidden",
            AuthOutcome.Invalid => "invalid",
            _ => "missing",
        };
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("gateway.auth.policy", policy);
            activity.SetTag("gateway.auth.result", result);
        }

        if (_decisions.Enabled)
        {
            _decisions.Add(
                1,
                new KeyValuePair<string, object?>("route", route),
                new KeyValuePair<string, object?>("policy", policy),
                new KeyValuePair<string, object?>("result", result));
        }
    }
}
