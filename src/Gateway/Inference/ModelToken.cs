namespace Gateway.Inference;

/// <summary>
/// Where the top-level <c>model</c> value sits in a body: the byte range of its JSON string token, quotes included, so
/// the value can be replaced without touching a byte around it.
/// </summary>
internal readonly record struct ModelToken(int Start, int Length);
