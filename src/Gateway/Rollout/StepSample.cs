namespace Gateway.Rollout;

/// <summary>The canary and the primary over the current step, the evidence a decision is taken on.</summary>
internal readonly record struct StepSample(VariantSample Canary, VariantSample Primary);
