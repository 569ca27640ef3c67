using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Validation;
using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>Reads the <c>RateLimitPolicies</c> dictionary (policy name to settings); values are checked by <see cref="ModelValidator"/>.</summary>
internal static class RateLimitPolicyReader
{
    private static readonly string[] Fields = ["Rate", "Burst", "Key", "StatusCode", "Queue", "Mode", "FailMode", "Timeout", "Plans", "Unit"];

    public static ImmutableDictionary<string, RateLimitPolicy> ReadAll(ConfigFieldReader reader, IConfigurationSection section)
    {
        var policies = ImmutableDictionary.CreateBuilder<string, RateLimitPolicy>(StringComparer.Ordinal);
        foreach (var item in section.GetChildren())
        {
            policies[item.Key] = Read(reader, item);
        }

        return policies.ToImmutable();
    }

    private static RateLimitPolicy Read(ConfigFieldReader reader, IConfigurationSection section)
    {
        var obj = $"rate-limit policy '{section.Key}'";
        reader.RejectUnknownKeys(section, obj, "", Fields);
        return new RateLimitPolicy
        {
            Name = section.Key,
            Source = reader.Source,
            Rate = reader.String(section, "Rate", obj, "") ?? "",
            Burst = reader.Int(section, "Burst", obj, ""),
            Key = reader.String(section, "Key", obj, "") ?? RateLimitKeySpec.DefaultText,
            StatusCode = reader.Int(section, "StatusCode", obj, "") ?? RateLimitPolicy.DefaultStatusCode,
            Queue = reader.Int(section, "Queue", obj, "") ?? 0,
            Mode = reader.Enum<RateLimitMode>(section, "Mode", obj, "") ?? RateLimitMode.Local,
            FailMode = reader.Enum<RateLimitFailMode>(section, "FailMode", obj, "") ?? RateLimitFailMode.Open,
            Timeout = reader.Duration(section, "Timeout", obj, ""),
            Unit = reader.Enum<RateLimitUnit>(section, "Unit", obj, "") ?? RateLimitUnit.Requests,
            Plans = ReadPlans(reader, section.GetSection("Plans"), obj),
        };
    }

    private static ImmutableDictionary<string, string> ReadPlans(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        var plans = ImmutableDictionary<string, string>.Empty;
        foreach (var plan in section.GetChildren())
        {
            if (plan.Value is null)
            {
                reader.Problem(obj, $"Plans.{plan.Key}", "must be a rate such as \"600/m\"");
                continue;
            }

            plans = plans.SetItem(plan.Key, plan.Value);
        }

        return plans;
    }
}
