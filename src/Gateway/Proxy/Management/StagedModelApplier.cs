using Gateway.Model;

namespace Gateway.Proxy.Management;

/// <summary>
/// Applies a model stage by stage, then to the proxy: every stage is in force before a new route is served (so it is
/// never served unauthenticated or unlimited), and every stage goes back to its previous model when the proxy refuses.
/// </summary>
internal sealed class StagedModelApplier(IEnumerable<IModelStage> stages, ProxyConfigApplier proxy) : IModelApplier
{
    /// <summary>Routes plus backends from which a replaced model is worth a full collection (see <see cref="CollectRetired"/>).</summary>
    private const int LargeModel = 1_000;

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
        else
        {
            CollectRetired(model);
        }

        return proxyProblems;
    }

    /// <summary>
    /// A large model lives long enough to reach the oldest generation, so the one just replaced (its routes, clusters,
    /// indexes and caches) is garbage that only a full collection finds. Left to the runtime, each change would leave
    /// another copy behind until the gen2 budget runs out: with 10,000 Services that kept about 40 MB more committed
    /// (bench/results/kubernetes-scale.md). The collection runs in the background, beside the request threads, without
    /// compacting. Small models make little garbage and are left to the runtime.
    /// </summary>
    private static void CollectRetired(GatewayModel model)
    {
        if (model.Routes.Length + model.Backends.Count >= LargeModel)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
        }
    }
}
