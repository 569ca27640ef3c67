using Gateway.Model;

namespace Gateway.Paths;

/// <summary>What <see cref="PathNormalizer"/> made of a request path.</summary>
internal readonly struct PathNormalization
{
    private PathNormalization(string? path, PathForms forms, PathRefusal? refusal)
    {
        Path = path;
        Forms = forms;
        Refusal = refusal;
    }

    /// <summary>The path was already normal: nothing to rewrite.</summary>
    public static PathNormalization Unchanged => default;

    /// <summary>The normalised path, decoded as <c>HttpRequest.Path</c> holds it; null when the path was already normal or is refused.</summary>
    public string? Path { get; }

    /// <summary>Forms found that only a route accepting them may take.</summary>
    public PathForms Forms { get; }

    /// <summary>Why the path is refused (400) whatever the route; null when it is not.</summary>
    public PathRefusal? Refusal { get; }

    public static PathNormalization Normalized(string path, PathForms forms) => new(path, forms, null);

    public static PathNormalization Refused(PathRefusal refusal) => new(null, PathForms.None, refusal);
}
