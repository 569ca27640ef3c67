using Gateway.Model;
using Gateway.Proxy;

namespace Gateway.RateLimiting;

/// <summary>
/// Applies a model's rate limits around the proxy configuration: limits first, so a new route is never served
/// unlimited, and back to the previous limits when the proxy refuses the model.
/// </summary>
internal sealed class RateLimitingModelApplier(ProxyConfigApplier proxy, RateLimiterRegistry registry) : IModelApplier
{
    public async ValueTask<IReadOnlyList<ModelProblem>> ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        var problems = registry.Check(model);
        if (problems.Count > 0)
        {
            return problems;
        }

        var previous = registry.Applied;
        await registry.ApplyAsync(model, cancellationToken);
        var proxyProblems = await proxy.ApplyAsync(model, cancellationToken);
        if (proxyProblems.Count > 0)
        {
            await registry.ApplyAsync(previous, cancellationToken);
        }

        return proxyProblems;
    }
}
