using Gateway.Model;

namespace Gateway.Tests.Model;

/// <summary>An applier that keeps what it was given, or refuses with <see cref="Problems"/>.</summary>
internal sealed class RecordingApplier : IModelApplier
{
    public List<GatewayModel> Applied { get; } = [];

    public IReadOnlyList<ModelProblem> Problems { get; set; } = [];

    public ValueTask<IReadOnlyList<ModelProblem>> ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        if (Problems.Count == 0)
        {
            Applied.Add(model);
        }

        return ValueTask.FromResult(Problems);
    }
}
