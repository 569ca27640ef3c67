namespace Gateway.Rollout;

/// <summary>The canary and the primary over the current step, the evidence a decision is taken on.</summary>
/// <param name="Replicas">How many replicas' counts are in it when replicas pool them; 0 when this process decides alone.</param>
internal readonly record struct StepSample(VariantSample Canary, VariantSample Primary, int Replicas = 0);
