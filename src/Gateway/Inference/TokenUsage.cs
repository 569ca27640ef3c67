namespace Gateway.Inference;

/// <summary>The tokens a model server reported for one request (its response's <c>usage</c>).</summary>
internal readonly record struct TokenUsage(long PromptTokens, long CompletionTokens)
{
    public long Total => PromptTokens + CompletionTokens;
}
