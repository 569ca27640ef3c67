using System.Text.Json.Serialization;

namespace Gateway.Primitives;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProblemResponse.Problem))]
internal sealed partial class ProblemJsonContext : JsonSerializerContext;
