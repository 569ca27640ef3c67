using Gateway.Model;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// The problems found in one Istio object. Blocking problems (an unsupported or invalid field) make the part that holds
/// them (an http route, a destination) be left out; ignored fields are only reported.
/// </summary>
internal sealed class ObjectReport(string source, string obj)
{
    public string Object { get; } = obj;

    public List<ModelProblem> Problems { get; } = [];

    /// <summary>Blocking problems so far: compare before and after reading a part to know whether to leave it out.</summary>
    public int Blocking { get; private set; }

    public void Unsupported(string field, string consequence)
    {
        Blocking++;
        Problems.Add(new ModelProblem(source, Object, field, $"is not supported by the gateway; {consequence}"));
    }

    public void Invalid(string field, string message)
    {
        Blocking++;
        Problems.Add(new ModelProblem(source, Object, field, message));
    }

    /// <summary>A problem that leaves nothing out but changes what clients get (e.g. a missing subset answers 500).</summary>
    public void Warn(string field, string message) =>
        Problems.Add(new ModelProblem(source, Object, field, message));

    public void Ignored(string field, string why) =>
        Problems.Add(new ModelProblem(source, Object, field, $"is ignored: {why}"));
}
