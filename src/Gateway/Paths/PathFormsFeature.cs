using Gateway.Model;

namespace Gateway.Paths;

/// <summary>Request feature naming the forms found in the path that only a route accepting them may take.</summary>
internal sealed class PathFormsFeature
{
    private static readonly PathFormsFeature[] ByForms = [new(PathForms.None), new(PathForms.Parameters), new(PathForms.EncodedSlashes), new(PathForms.Parameters | PathForms.EncodedSlashes)];

    private PathFormsFeature(PathForms forms) => Forms = forms;

    public PathForms Forms { get; }

    /// <summary>A shared instance: the feature carries no per-request state.</summary>
    public static PathFormsFeature For(PathForms forms) => ByForms[(int)forms];
}
