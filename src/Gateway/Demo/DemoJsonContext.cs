using System.Text.Json.Serialization;

namespace Gateway.Demo;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DemoReply))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
