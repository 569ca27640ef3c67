using Gateway.Model;
using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>Reads a backend's <c>HealthCheck</c> and <c>ConnectFailover</c> and a route's <c>Retry</c> sections; absent fields keep their defaults.</summary>
internal static class ResilienceReader
{
    public static BackendHealthCheck? ReadHealthCheck(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        const string field = "HealthCheck";
        if (!IsObject(reader, section, obj, field, "{ \"Active\": { \"Path\": \"/healthz\" }, \"Passive\": {} }"))
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, field, "Active", "Passive");
        return new BackendHealthCheck
        {
            Active = ReadActive(reader, section.GetSection("Active"), obj, "HealthCheck.Active"),
            Passive = ReadPassive(reader, section.GetSection("Passive"), obj, "HealthCheck.Passive"),
        };
    }

    /// <summary>Absent or <c>true</c>: the defaults; <c>false</c>: off (null); an object: the defaults with its fields.</summary>
    public static ConnectFailover? ReadConnectFailover(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        const string field = "ConnectFailover";
        if (section.Value is { } flag)
        {
            if (!bool.TryParse(flag, out var enabled))
            {
                reader.Problem(obj, field, $"'{flag}' must be true, false or an object such as {{ \"EjectionPeriod\": \"10s\" }}");
                return ConnectFailover.Default;
            }

            return enabled ? ConnectFailover.Default : null;
        }

        if (!section.GetChildren().Any())
        {
            return ConnectFailover.Default;
        }

        reader.RejectUnknownKeys(section, obj, field, "Retry", "EjectionPeriod");
        return new ConnectFailover
        {
            Retry = reader.Bool(section, "Retry", obj, field) ?? true,
            EjectionPeriod = reader.Duration(section, "EjectionPeriod", obj, field) ?? ConnectFailover.DefaultEjectionPeriod,
        };
    }

    public static RetryPolicy? ReadRetry(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        const string field = "Retry";
        if (!IsObject(reader, section, obj, field, "{ \"Attempts\": 2 }"))
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, field, "Attempts", "Statuses", "AllMethods");
        var statuses = new List<int>();
        foreach (var text in reader.Strings(section, "Statuses", obj, field))
        {
            if (int.TryParse(text, out var status))
            {
                statuses.Add(status);
            }
            else
            {
                reader.Problem(obj, "Retry.Statuses", $"'{text}' is not a status code such as 503");
            }
        }

        var defaults = new RetryPolicy();
        return new RetryPolicy
        {
            Attempts = reader.Int(section, "Attempts", obj, field) ?? defaults.Attempts,
            Statuses = section.GetSection("Statuses").Exists() ? [.. statuses] : defaults.Statuses,
            AllMethods = reader.Bool(section, "AllMethods", obj, field) ?? false,
        };
    }

    private static ActiveHealthCheck? ReadActive(ConfigFieldReader reader, IConfigurationSection section, string obj, string field)
    {
        if (!IsObject(reader, section, obj, field, "{ \"Path\": \"/healthz\", \"Interval\": \"10s\" }"))
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, field, "Path", "Interval", "Timeout", "HealthyThreshold", "UnhealthyThreshold");
        var defaults = new ActiveHealthCheck();
        return new ActiveHealthCheck
        {
            Path = reader.String(section, "Path", obj, field) ?? defaults.Path,
            Interval = reader.Duration(section, "Interval", obj, field) ?? defaults.Interval,
            Timeout = reader.Duration(section, "Timeout", obj, field) ?? defaults.Timeout,
            HealthyThreshold = reader.Int(section, "HealthyThreshold", obj, field) ?? defaults.HealthyThreshold,
            UnhealthyThreshold = reader.Int(section, "UnhealthyThreshold", obj, field) ?? defaults.UnhealthyThreshold,
        };
    }

    private static PassiveHealthCheck? ReadPassive(ConfigFieldReader reader, IConfigurationSection section, string obj, string field)
    {
        // "Passive": {} turns ejection on with its defaults; configuration drops empty objects, so "true" is accepted too.
        if (section.Value is { } flag)
        {
            if (!bool.TryParse(flag, out var enabled))
            {
                reader.Problem(obj, field, $"'{flag}' must be an object such as {{ \"ConsecutiveFailures\": 5 }} or true");
            }

            return enabled ? new PassiveHealthCheck() : null;
        }

        if (!section.GetChildren().Any())
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, field, "ConsecutiveFailures", "EjectionPeriod");
        var defaults = new PassiveHealthCheck();
        return new PassiveHealthCheck
        {
            ConsecutiveFailures = reader.Int(section, "ConsecutiveFailures", obj, field) ?? defaults.ConsecutiveFailures,
            EjectionPeriod = reader.Duration(section, "EjectionPeriod", obj, field) ?? defaults.EjectionPeriod,
        };
    }

    private static bool IsObject(ConfigFieldReader reader, IConfigurationSection section, string obj, string field, string example)
    {
        if (section.Value is { Length: > 0 })
        {
            reader.Problem(obj, field, $"must be an object such as {example}");
            return false;
        }

        return section.GetChildren().Any();
    }
}
