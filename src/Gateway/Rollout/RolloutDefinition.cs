using Gateway.Model;

namespace Gateway.Rollout;

/// <summary>
/// What makes a rollout "the same": the canary backend, its revision and its steps. A promoted or rolled-back rollout
/// stays so while this text is unchanged; a new revision (a new version of the canary), new steps or another canary
/// start a new rollout. Bounds and the interval may be tuned without restarting it.
/// </summary>
internal static class RolloutDefinition
{
    public static string Of(string canaryBackend, RolloutPolicy policy) =>
        $"{canaryBackend}|{policy.Revision}|{string.Join(',', policy.Steps)}";
}
