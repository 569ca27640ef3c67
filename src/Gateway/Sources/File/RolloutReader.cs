using System.Collections.Immutable;
using Gateway.Model;
using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>Reads a route's <c>Canary.Rollout</c> block; value ranges are checked by the model's validator.</summary>
internal static class RolloutReader
{
    private const string Field = "Canary.Rollout";

    public static RolloutPolicy? Read(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        if (section.Value is { Length: > 0 })
        {
            reader.Problem(obj, Field, "must be an object such as { \"Steps\": [ 1, 5, 25, 100 ], \"Interval\": \"1m\", \"MaxErrorRate\": \"1%\" }");
            return null;
        }

        if (!section.GetChildren().Any())
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, Field, "Steps", "Interval", "MinRequests", "MaxErrorRate", "MaxErrorRateRatio", "MaxP99Latency", "MaxP99LatencyRatio", "Revision", "Control");
        var policy = new RolloutPolicy();
        return policy with
        {
            Steps = Steps(reader, section, obj) ?? policy.Steps,
            Interval = reader.Duration(section, "Interval", obj, Field) ?? policy.Interval,
            MinRequests = reader.Int(section, "MinRequests", obj, Field) ?? policy.MinRequests,
            MaxErrorRate = Number(reader, section, "MaxErrorRate", obj, RolloutSyntax.TryParseRate, "is not a share such as 1% or 0.01"),
            MaxErrorRateRatio = Number(reader, section, "MaxErrorRateRatio", obj, RolloutSyntax.TryParseRatio, "is not a multiple such as 2 or 1.5"),
            MaxP99Latency = reader.Duration(section, "MaxP99Latency", obj, Field),
            MaxP99LatencyRatio = Number(reader, section, "MaxP99LatencyRatio", obj, RolloutSyntax.TryParseRatio, "is not a multiple such as 2 or 1.5"),
            Revision = reader.String(section, "Revision", obj, Field),
            Control = reader.Enum<RolloutControl>(section, "Control", obj, Field) ?? RolloutControl.None,
        };
    }

    /// <summary>Steps as a JSON array of percentages or as one string <c>"1,5,25,100"</c>.</summary>
    private static ImmutableArray<int>? Steps(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        var texts = reader.Strings(section, "Steps", obj, Field);
        if (texts.Count == 0)
        {
            return null;
        }

        if (RolloutSyntax.TryParseSteps(string.Join(',', texts), out var steps))
        {
            return steps;
        }

        reader.Problem(obj, $"{Field}.Steps", $"'{string.Join(", ", texts)}' is not a list of whole percentages such as 1, 5, 25, 100");
        return null;
    }

    private static double? Number(ConfigFieldReader reader, IConfigurationSection section, string key, string obj, TryParse parse, string expectation)
    {
        if (reader.String(section, key, obj, Field) is not { } text)
        {
            return null;
        }

        if (parse(text, out var value))
        {
            return value;
        }

        reader.Problem(obj, $"{Field}.{key}", $"'{text}' {expectation}");
        return null;
    }

    private delegate bool TryParse(string text, out double value);
}
