using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.ModelServerSimulator;

/// <summary>
/// The JSON of OpenAI Responses API answers: the response object whole, and the typed events of a stream
/// (<c>event: response.created</c>, ..., <c>response.completed</c>, whose response carries the usage; no <c>[DONE]</c>).
/// </summary>
internal static class ResponsesWriter
{
    public static byte[] Response(CompletionRequest request, string id, string model, long created)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteResponse(json, null, request, id, model, created, completed: true);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>response.created</c> then <c>response.in_progress</c>: the response with no output and no usage yet.</summary>
    public static byte[] Started(CompletionRequest request, string id, string model, long created) =>
    [
        .. Event("response.created", 0, json => WriteResponse(json, "response", request, id, model, created, completed: false)),
        .. Event("response.in_progress", 1, json => WriteResponse(json, "response", request, id, model, created, completed: false)),
    ];

    /// <summary>One <c>response.output_text.delta</c> carrying one token.</summary>
    public static byte[] TextDelta(string id, int sequence) =>
        Event("response.output_text.delta", sequence, json =>
        {
            json.WriteString("item_id", MessageId(id));
            json.WriteNumber("output_index", 0);
            json.WriteNumber("content_index", 0);
            json.WriteString("delta", CompletionWriter.Token);
        });

    /// <summary><c>response.output_text.done</c> with the whole text, then <c>response.completed</c> with the usage.</summary>
    public static byte[] Finished(CompletionRequest request, string id, string model, long created, int sequence) =>
    [
        .. Event("response.output_text.done", sequence, json =>
        {
            json.WriteString("item_id", MessageId(id));
            json.WriteNumber("output_index", 0);
            json.WriteNumber("content_index", 0);
            json.WriteString("text", Text(request));
        }),
        .. Event("response.completed", sequence + 1, json => WriteResponse(json, "response", request, id, model, created, completed: true)),
    ];

    private static byte[] Event(string type, int sequence, Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(Encoding.UTF8.GetBytes($"event: {type}\ndata: "));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteNumber("sequence_number", sequence);
            fields(json);
            json.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The response object, whole or as an event's <c>response</c> (<paramref name="property"/>).</summary>
    private static void WriteResponse(Utf8JsonWriter json, string? property, CompletionRequest request, string id, string model, long created, bool completed)
    {
        if (property is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(property);
        }

        json.WriteString("id", id);
        json.WriteString("object", "response");
        json.WriteNumber("created_at", created);
        json.WriteString("status", completed ? "completed" : "in_progress");
        json.WriteString("model", model);
        json.WriteStartArray("output");
        if (completed)
        {
            json.WriteStartObject();
            json.WriteString("type", "message");
            json.WriteString("id", MessageId(id));
            json.WriteString("status", "completed");
            json.WriteString("role", "assistant");
            json.WriteStartArray("content");
            json.WriteStartObject();
            json.WriteString("type", "output_text");
            json.WriteString("text", Text(request));
            json.WriteStartArray("annotations");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (completed)
        {
            json.WriteStartObject("usage");
            json.WriteNumber("input_tokens", request.PromptTokens);
            json.WriteStartObject("input_tokens_details");
            json.WriteNumber("cached_tokens", 0);
            json.WriteEndObject();
            json.WriteNumber("output_tokens", request.MaxTokens);
            json.WriteStartObject("output_tokens_details");
            json.WriteNumber("reasoning_tokens", 0);
            json.WriteEndObject();
            json.WriteNumber("total_tokens", request.PromptTokens + request.MaxTokens);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("usage");
        }

        json.WriteEndObject();
    }

    private static string MessageId(string id) => "msg_" + id["resp_".Length..];

    private static string Text(CompletionRequest request) => string.Concat(Enumerable.Repeat(CompletionWriter.Token, request.MaxTokens));
}
