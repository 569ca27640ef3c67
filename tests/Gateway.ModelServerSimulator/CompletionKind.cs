namespace Gateway.ModelServerSimulator;

/// <summary>Which OpenAI endpoint a request came to; the shapes of their answers differ.</summary>
internal enum CompletionKind
{
    Chat,
    Text,
}
