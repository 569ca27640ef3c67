using System.Text.Json.Serialization;

namespace Gateway.Model;

/// <summary>A match on one header or query parameter. Header names compare case-insensitively, query names and all values case-sensitively.</summary>
internal sealed record ValueMatch(string Name, string Value, ValueMatchType Type = ValueMatchType.Exact)
{
    /// <summary>
    /// Headers only (Istio's <c>withoutHeaders</c>): the request matches when no value of the header matches, a missing
    /// header included.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Invert { get; init; }
}
