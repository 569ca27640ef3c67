namespace Gateway.Model;

/// <summary>
/// Per-route state built from a model before the proxy serves it (auth policies, rate limiters): checked with the
/// model, put in force before the proxy routes to it, and put back when the proxy refuses the model.
/// </summary>
internal interface IModelStage
{
    /// <summary>The model whose state is in force.</summary>
    GatewayModel Applied { get; }

    /// <summary>What would stop <paramref name="model"/> from working in this stage, beyond what the validator sees.</summary>
    IReadOnlyList<ModelProblem> Check(GatewayModel model);

    /// <summary>Puts <paramref name="model"/>'s state in force. Called by one thread at a time (the model store's).</summary>
    ValueTask ApplyAsync(GatewayModel model, CancellationToken cancellationToken);
}
