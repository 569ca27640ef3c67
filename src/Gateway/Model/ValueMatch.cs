namespace Gateway.Model;

/// <summary>A match on one header or query parameter. Header names compare case-insensitively, query names and all values case-sensitively.</summary>
internal sealed record ValueMatch(string Name, string Value, ValueMatchType Type = ValueMatchType.Exact);
