using System.Text.Json;

namespace Gateway.ModelServerSimulator;

/// <summary>The fields of an OpenAI completion request the simulator acts on.</summary>
internal sealed record CompletionRequest(CompletionKind Kind, string? Model, int PromptTokens, int MaxTokens, bool Stream, bool IncludeUsage)
{
    /// <summary>Four characters to a token, as a rough tokenizer would count English text; at least one token.</summary>
    private const int CharactersPerToken = 4;

    /// <summary>The request, or null with <paramref name="error"/> when the body is not a completion request.</summary>
    public static CompletionRequest? Parse(CompletionKind kind, ReadOnlySpan<byte> body, int defaultMaxTokens, out string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the body must be a JSON object";
                return null;
            }

            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var maxTokens = root.TryGetProperty("max_tokens", out var t) && t.TryGetInt32(out var max) && max > 0 ? max : defaultMaxTokens;
            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var usage = root.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object
                && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;
            var characters = kind == CompletionKind.Chat ? MessageCharacters(root) : PromptCharacters(root);
            error = null;
            return new CompletionRequest(kind, model, Math.Max(1, characters / CharactersPerToken), maxTokens, stream, usage);
        }
        catch (JsonException e)
        {
            error = $"the body is not JSON: {e.Message}";
            return null;
        }
    }

    private static int MessageCharacters(JsonElement root)
    {
        var total = 0;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    total += content.GetString()!.Length;
                }
            }
        }

        return total;
    }

    private static int PromptCharacters(JsonElement root) =>
        root.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String ? prompt.GetString()!.Length : 0;
}
