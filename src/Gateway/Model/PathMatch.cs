using System.Text.Json.Serialization;

namespace Gateway.Model;

/// <summary>A match on the request path, case-sensitive unless <see cref="IgnoreCase"/> is set.</summary>
internal sealed record PathMatch(PathMatchType Type, string Value)
{
    public static PathMatch Root { get; } = new(PathMatchType.PathPrefix, "/");

    /// <summary>
    /// Compares <see cref="PathMatchType.Exact"/> and <see cref="PathMatchType.StringPrefix"/> values ignoring ASCII and
    /// Unicode case (Istio's <c>ignoreUriCase</c>); a regular expression keeps its own rules.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool IgnoreCase { get; init; }
}
