using Gateway.Model;
using Microsoft.Extensions.Options;

namespace Gateway.Inference;

/// <summary>
/// Publishes the <see cref="ModelFromBodyScope"/> of each applied model. A model stage, so a route's paths are read before
/// the proxy serves the route, and put back if the proxy refuses the model.
/// </summary>
internal sealed class ModelFromBodyRoutes(IOptions<InferenceOptions> options) : IModelStage
{
    private readonly string[] _configuredPaths = options.Value.ModelFromBody.Paths;
    private volatile ModelFromBodyScope _scope = ModelFromBodyScope.Build(options.Value.ModelFromBody.Paths, GatewayModel.Empty);

    public GatewayModel Applied { get; private set; } = GatewayModel.Empty;

    /// <summary>The scope of the applied model.</summary>
    public ModelFromBodyScope Scope => _scope;

    public IReadOnlyList<ModelProblem> Check(GatewayModel model) => [];

    public ValueTask ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        _scope = ModelFromBodyScope.Build(_configuredPaths, model);
        Applied = model;
        return ValueTask.CompletedTask;
    }
}
