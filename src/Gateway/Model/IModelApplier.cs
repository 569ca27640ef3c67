namespace Gateway.Model;

/// <summary>Puts a validated model into service; returns problems that prevented it, leaving the previous model serving.</summary>
internal interface IModelApplier
{
    ValueTask<IReadOnlyList<ModelProblem>> ApplyAsync(GatewayModel model, CancellationToken cancellationToken);
}
