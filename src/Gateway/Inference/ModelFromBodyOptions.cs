namespace Gateway.Inference;

/// <summary>Which requests have their body's <c>model</c> read before routing, from <c>Gateway:Inference:ModelFromBody</c>.</summary>
internal sealed class ModelFromBodyOptions
{
    /// <summary>The OpenAI-compatible paths that carry the model in the body.</summary>
    public static readonly string[] DefaultPaths = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"];

    /// <summary>Off reads no body on any path (routes that ask for it included); the client's header is still removed.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Exact paths whose JSON <c>POST</c> bodies are read; routes add their own with <c>ModelFromBody</c>.</summary>
    public string[] Paths { get; set; } = DefaultPaths;

    /// <summary>Largest body read, in bytes; a larger one is refused with 413 (the body must be held whole to be forwarded).</summary>
    public int MaxBodySize { get; set; } = 1024 * 1024;

    public IEnumerable<string> Validate(string prefix)
    {
        foreach (var path in Paths)
        {
            if (string.IsNullOrEmpty(path) || path[0] != '/')
            {
                yield return $"{prefix}:Paths '{path}' must be a path starting with '/', such as /v1/chat/completions";
            }
        }

        if (MaxBodySize < 1024)
        {
            yield return $"{prefix}:MaxBodySize {MaxBodySize} must be at least 1024 bytes";
        }
    }
}
