namespace Gateway.Model;

/// <summary>
/// Request path forms a backend may read differently from the gateway, refused unless the matched route accepts them
/// (see docs/path-policy.md).
/// </summary>
[Flags]
internal enum PathForms
{
    None = 0,

    /// <summary>A <c>;</c> in a segment, raw or as <c>%3B</c>: some servers drop what follows (<c>/admin;x</c> is <c>/admin</c> to them).</summary>
    Parameters = 1,

    /// <summary><c>%2F</c> or <c>%5C</c>: a backend that decodes them sees a separator the gateway never matched.</summary>
    EncodedSlashes = 2,
}
