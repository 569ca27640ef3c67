using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Inference;

/// <summary>
/// Asks a model server to report the usage of a streamed completion: in a body with <c>"stream": true</c> it makes
/// <c>stream_options.include_usage</c> true (adding the option or the object, or turning a <c>false</c> to
/// <c>true</c>), changing no other byte. Without it OpenAI-compatible servers send no usage in a stream, and a token
/// budget could not charge it. Requests to the Responses API are left alone: its streams always end with the usage (in
/// <c>response.completed</c>), and it has no such option, so a strict server would refuse the request.
/// </summary>
internal static class StreamUsageRequest
{
    /// <summary>Changes the body of a request to <paramref name="path"/> if needed; true when it did.</summary>
    public static bool Apply(BufferedJsonBody body, PathString path)
    {
        if (IsResponsesApi(path) || !TryFind(body.Content, out var start, out var removeLength, out var insert))
        {
            return false;
        }

        body.Splice(start, removeLength, insert);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="path"/> is the Responses API's: its last segment is <c>responses</c>, as in
    /// <c>/v1/responses</c>, also under a route's prefix (<c>/team-a/v1/responses</c>).
    /// </summary>
    internal static bool IsResponsesApi(PathString path) =>
        path.Value.AsSpan().TrimEnd('/').EndsWith("/responses", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where to change <paramref name="json"/> and with what; false when nothing needs changing (or it cannot be read).</summary>
    internal static bool TryFind(ReadOnlySpan<byte> json, out int start, out int removeLength, out ReadOnlySpan<byte> insert)
    {
        start = removeLength = 0;
        insert = default;
        var streamed = false;
        var optionsStart = -1;
        var optionsEnd = -1;
        var optionsIsObject = false;
        var optionsEmpty = true;
        var includeStart = -1;
        var includeLength = 0;
        var included = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var rootStart = (int)reader.TokenStartIndex;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    streamed = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    optionsStart = (int)reader.TokenStartIndex;
                    optionsIsObject = reader.TokenType == JsonTokenType.StartObject;
                    optionsEmpty = true;
                    includeStart = -1;
                    if (!optionsIsObject)
                    {
                        reader.Skip();
                        optionsEnd = (int)reader.BytesConsumed;
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        optionsEmpty = false;
                        var isInclude = reader.ValueTextEquals("include_usage"u8);
                        reader.Read();
                        if (isInclude)
                        {
                            includeStart = (int)reader.TokenStartIndex;
                            included = reader.TokenType == JsonTokenType.True;
                            reader.Skip();
                            includeLength = (int)reader.BytesConsumed - includeStart;
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!streamed || (includeStart >= 0 && included))
            {
                return false;
            }

            if (optionsStart < 0)
            {
                // The object has at least "stream", so the added member is followed by another.
                start = rootStart + 1;
                insert = "\"stream_options\":{\"include_usage\":true},"u8;
            }
            else if (!optionsIsObject)
            {
                start = optionsStart;
                removeLength = optionsEnd - optionsStart;
                insert = "{\"include_usage\":true}"u8;
            }
            else if (includeStart >= 0)
            {
                start = includeStart;
                removeLength = includeLength;
                insert = "true"u8;
            }
            else
            {
                start = optionsStart + 1;
                insert = optionsEmpty ? "\"include_usage\":true"u8 : "\"include_usage\":true,"u8;
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
