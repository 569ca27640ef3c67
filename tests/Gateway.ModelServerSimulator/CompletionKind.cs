namespace Gateway.ModelServerSimulator;

/// <summary>Which OpenAI endpoint a request came to; the shapes of their answers differ.</summary>
internal enum CompletionKind
{
    Chat,
    Text,

    /// <summary>The Responses API (<c>/v1/responses</c>): <c>input</c> and <c>max_output_tokens</c>, typed stream events.</summary>
    Responses,
}
