using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Model;

/// <summary>Writes an <see cref="EndpointSet"/> as the array of its addresses now, and reads an array as a fixed set.</summary>
internal sealed class EndpointSetJsonConverter : JsonConverter<EndpointSet>
{
    public override EndpointSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<ImmutableArray<string>>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, EndpointSet value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var endpoint in value.Current)
        {
            writer.WriteStringValue(endpoint);
        }

        writer.WriteEndArray();
    }
}
