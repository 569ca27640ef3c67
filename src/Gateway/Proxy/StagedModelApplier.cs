using Gateway.Model;

namespace Gateway.Proxy;

/// <summary>
/// Applies a model stage by stage, then to the proxy: every stage is in force before a new route is served (so it is
/// never served unauthenticated or unlimited), and every stage goes back to its previous model when the proxy refuses.
/// </summary>
internal sealed class StagedModelApplier(IEnumerable<IModelStage> stages, ProxyConfigApplier proxy) : IModelApplier
{
    private readonly IModelStage[] _stages = [.. stages];

    public async ValueTask<IReadOnlyList<ModelProblem>> ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        var problems = new List<ModelProblem>();
        foreach (var stage in _stages)
        {
            problems.AddRange(stage.Check(model));
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var previous = Array.ConvertAll(_stages, stage => stage.Applied);
        foreach (var stage in _stages)
        {
            await stage.ApplyAsync(model, cancellationToken);
        }

        var proxyProblems = await proxy.ApplyAsync(model, cancellationToken);
        if (proxyProblems.Count > 0)
        {
            for (var i = _stages.Length - 1; i >= 0; i--)
            {
                await _stages[i].ApplyAsync(previous[i], cancellationToken);
            }
        }

        return proxyProblems;
    }
}
