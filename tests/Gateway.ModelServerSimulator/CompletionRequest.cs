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
            var maxName = kind == CompletionKind.Responses ? "max_output_tokens" : "max_tokens";
            var maxTokens = root.TryGetProperty(maxName, out var t) && t.TryGetInt32(out var max) && max > 0 ? max : defaultMaxTokens;
            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var options = root.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object;
            var usage = options && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;
            if (kind == CompletionKind.Responses && options && o.TryGetProperty("include_usage", out _))
            {
                // As OpenAI answers: the Responses API has no such option (its streams always report usage).
                error = "Unknown parameter: 'stream_options.include_usage'.";
                return null;
            }

            var characters = kind switch
            {
                CompletionKind.Chat => MessageCharacters(root),
                CompletionKind.Responses => InputCharacters(root),
                _ => PromptCharacters(root),
            };
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

    /// <summary>The Responses API's <c>instructions</c> and <c>input</c>: a string, or items whose content is a string or text parts.</summary>
    private static int InputCharacters(JsonElement root)
    {
        var total = root.TryGetProperty("instructions", out var instructions) && instructions.ValueKind == JsonValueKind.String ? instructions.GetString()!.Length : 0;
        if (!root.TryGetProperty("input", out var input))
        {
            return total;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            return total + input.GetString()!.Length;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return total;
        }

        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("content", out var content))
            {
                continue;
            }

            if (content.ValueKind == JsonValueKind.String)
            {
                total += content.GetString()!.Length;
                continue;
            }

            if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        total += text.GetString()!.Length;
                    }
                }
            }
        }

        return total;
    }

    private static int PromptCharacters(JsonElement root) =>
        root.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String ? prompt.GetString()!.Length : 0;
}
