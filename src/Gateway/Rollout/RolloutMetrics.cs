using System.Diagnostics.Metrics;
using Gateway.Model.Store;

namespace Gateway.Rollout;

/// <summary>
/// The rollout instruments: the canary's share, the phase, each check's last result, and the decisions taken. Labels are
/// the route, the phase, the check and the decision, all bounded by configuration.
/// </summary>
internal sealed class RolloutMetrics
{
    private static readonly RolloutPhase[] Phases = Enum.GetValues<RolloutPhase>();

    private readonly Counter<long> _decisions;

    public RolloutMetrics(IMeterFactory meterFactory, RolloutRegistry registry)
    {
        var meter = meterFactory.Create(ModelStore.MeterName);
        _decisions = meter.CreateCounter<long>("gateway.rollout.decisions", "{decision}", "Rollout decisions taken, by route and decision (started, held, stepped, promoted, rolled_back, paused, resumed).");
        meter.CreateObservableGauge("gateway.rollout.weight", () => Weights(registry), "{percent}", "The canary's share of the route's weighted traffic, in percent, as the rollout set it.");
        meter.CreateObservableGauge("gateway.rollout.state", () => States(registry), "{state}", "1 for the phase each rollout is in (progressing, paused, promoted, rolled_back), 0 for the others.");
        meter.CreateObservableGauge("gateway.rollout.check", () => Checks(registry), "{result}", "1 when the check passed at the last evaluation, 0 when it failed, by route and check.");
    }

    public void Decided(string route, RolloutDecisionKind kind) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("decision", Label(kind.ToString())));

    private static IEnumerable<Measurement<int>> Weights(RolloutRegistry registry)
    {
        foreach (var status in registry.Statuses())
        {
            yield return new Measurement<int>(status.State.Weight, new KeyValuePair<string, object?>("route", status.Route));
        }
    }

    private static IEnumerable<Measurement<int>> States(RolloutRegistry registry)
    {
        foreach (var status in registry.Statuses())
        {
            foreach (var phase in Phases)
            {
                yield return new Measurement<int>(
                    status.State.Phase == phase ? 1 : 0,
                    new KeyValuePair<string, object?>("route", status.Route),
                    new KeyValuePair<string, object?>("state", Label(phase.ToString())));
            }
        }
    }

    private static IEnumerable<Measurement<int>> Checks(RolloutRegistry registry)
    {
        foreach (var status in registry.Statuses())
        {
            foreach (var check in status.Checks)
            {
                yield return new Measurement<int>(
                    check.Passed ? 1 : 0,
                    new KeyValuePair<string, object?>("route", status.Route),
                    new KeyValuePair<string, object?>("check", check.Name));
            }
        }
    }

    /// <summary><c>RolledBack</c> as <c>rolled_back</c>.</summary>
    private static string Label(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
