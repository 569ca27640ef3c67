namespace Gateway.Rollout;

/// <summary>Hears every rollout decision that changed something, e.g. to tell the object that declared the rollout.</summary>
internal interface IRolloutObserver
{
    /// <param name="source">The source of the route (as <see cref="Model.RouteModel.Source"/>), which tells where the rollout was declared.</param>
    void OnDecision(string source, RolloutStatus status, RolloutDecisionKind kind);
}
