using Gateway.Model;

namespace Gateway.Paths;

/// <summary>
/// Process-wide relaxations of the path policy (<c>Gateway:PathPolicy</c>, see docs/path-policy.md). The defaults are
/// the safe ones; a misspelt key leaves them in force.
/// </summary>
internal sealed class PathPolicyOptions
{
    /// <summary>Drop empty segments (<c>/a//b</c> is <c>/a/b</c>) before matching and forwarding.</summary>
    public bool MergeSlashes { get; set; } = true;

    /// <summary>Every route accepts <c>;</c> path parameters, as if each set <c>AllowPathParameters</c>.</summary>
    public bool AllowPathParameters { get; set; }

    /// <summary>Every route accepts <c>%2F</c> and <c>%5C</c>, as if each set <c>AllowEncodedSlashes</c>.</summary>
    public bool AllowEncodedSlashes { get; set; }

    /// <summary>The forms every route accepts.</summary>
    public PathForms AllowedForms =>
        (AllowPathParameters ? PathForms.Parameters : PathForms.None) | (AllowEncodedSlashes ? PathForms.EncodedSlashes : PathForms.None);
}
