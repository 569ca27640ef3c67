using Gateway.Model;

namespace Gateway.Auth;

/// <summary>
/// Applies a model's auth policies before everything else it wraps, so a new route is never served without its
/// policy, and goes back to the previous policies when the rest refuses the model.
/// </summary>
internal sealed class AuthModelApplier(IModelApplier inner, AuthRegistry registry) : IModelApplier
{
    public async ValueTask<IReadOnlyList<ModelProblem>> ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        var problems = AuthRegistry.Check(model);
        if (problems.Count > 0)
        {
            return problems;
        }

        var previous = registry.Applied;
        registry.Apply(model);
        var innerProblems = await inner.ApplyAsync(model, cancellationToken);
        if (innerProblems.Count > 0)
        {
            registry.Apply(previous);
        }

        return innerProblems;
    }
}
