using System.Text.Json.Serialization;

namespace Gateway.Proxy;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProblemResponse.Problem))]
internal sealed partial class ProblemJsonContext : JsonSerializerContext;
