using System.Buffers;
using System.Text.Json;

namespace Gateway.ModelServerSimulator;

/// <summary>The JSON of OpenAI answers: whole completions, stream chunks and usage.</summary>
internal static class CompletionWriter
{
    /// <summary>The text of every output token; a completion of n tokens is this n times.</summary>
    public const string Token = "tok ";

    public static byte[] Completion(CompletionRequest request, string id, string model, long created)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Header(json, request.Kind, id, model, created, chunk: false);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            var text = string.Concat(Enumerable.Repeat(Token, request.MaxTokens));
            if (request.Kind == CompletionKind.Chat)
            {
                json.WriteStartObject("message");
                json.WriteString("role", "assistant");
                json.WriteString("content", text);
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("text", text);
            }

            json.WriteString("finish_reason", "length");
            json.WriteEndObject();
            json.WriteEndArray();
            Usage(json, request);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One <c>data:</c> event carrying one token; the last token carries the finish reason.</summary>
    public static byte[] TokenChunk(CompletionRequest request, string id, string model, long created, bool first, bool last)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Header(json, request.Kind, id, model, created, chunk: true);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            if (request.Kind == CompletionKind.Chat)
            {
                json.WriteStartObject("delta");
                if (first)
                {
                    json.WriteString("role", "assistant");
                }

                json.WriteString("content", Token);
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("text", Token);
            }

            if (last)
            {
                json.WriteString("finish_reason", "length");
            }
            else
            {
                json.WriteNull("finish_reason");
            }

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The chunk OpenAI sends last when <c>stream_options.include_usage</c> is true: no choices, the usage.</summary>
    public static byte[] UsageChunk(CompletionRequest request, string id, string model, long created)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Header(json, request.Kind, id, model, created, chunk: true);
            json.WriteStartArray("choices");
            json.WriteEndArray();
            Usage(json, request);
            json.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Error(string message, string type, int code)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            json.WriteNumber("code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Header(Utf8JsonWriter json, CompletionKind kind, string id, string model, long created, bool chunk)
    {
        json.WriteString("id", id);
        json.WriteString("object", (kind, chunk) switch
        {
            (CompletionKind.Chat, true) => "chat.completion.chunk",
            (CompletionKind.Chat, false) => "chat.completion",
            _ => "text_completion",
        });
        json.WriteNumber("created", created);
        json.WriteString("model", model);
    }

    private static void Usage(Utf8JsonWriter json, CompletionRequest request)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", request.PromptTokens);
        json.WriteNumber("completion_tokens", request.MaxTokens);
        json.WriteNumber("total_tokens", request.PromptTokens + request.MaxTokens);
        json.WriteEndObject();
    }
}
