using System.Globalization;
using Gateway.Model;
using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>
/// Reads a backend's <c>LoadBalancing</c>: a mode name (<c>"RoundRobin"</c>) or an object with <c>Mode</c> and the
/// mode's settings (hash key, or the load-aware fields); absent fields keep their defaults.
/// </summary>
internal static class LoadBalancingReader
{
    private static readonly string[] LoadAwareKeys =
    [
        "MetricsPath", "MetricsPort", "ScrapeInterval", "StaleAfterIntervals", "MaxQueueDepth", "MaxKvCacheUsage",
        "MaxQueued", "MaxQueueWait", "CriticalMaxQueueWait", "CriticalityHeader",
    ];

    public static LoadBalancingPolicy? Read(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        const string field = "LoadBalancing";
        if (section.Value is { Length: > 0 } shorthand)
        {
            return ParseMode(reader, shorthand, obj, field) is { } mode ? Policy(mode) : null;
        }

        if (!section.GetChildren().Any())
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, field, ["Mode", "HashHeader", "HashCookie", "HashSourceIp", .. LoadAwareKeys]);
        var modeText = reader.String(section, "Mode", obj, field);
        if (modeText is null)
        {
            reader.Problem(obj, $"{field}.Mode", $"is required; one of: {string.Join(", ", Enum.GetNames<LoadBalancingMode>())}");
            return null;
        }

        if (ParseMode(reader, modeText, obj, $"{field}.Mode") is not { } parsed)
        {
            return null;
        }

        var hasLoadAware = false;
        foreach (var key in LoadAwareKeys)
        {
            hasLoadAware |= section.GetSection(key).Exists();
        }

        return Policy(parsed) with
        {
            HashHeader = reader.String(section, "HashHeader", obj, field),
            HashCookie = reader.String(section, "HashCookie", obj, field),
            HashSourceIp = reader.Bool(section, "HashSourceIp", obj, field) ?? false,
            LoadAware = hasLoadAware || parsed == LoadBalancingMode.LoadAware ? ReadLoadAware(reader, section, obj, field) : null,
        };
    }

    private static LoadBalancingPolicy Policy(LoadBalancingMode mode) => new()
    {
        Mode = mode,
        LoadAware = mode == LoadBalancingMode.LoadAware ? LoadAwareSettings.Default : null,
    };

    private static LoadAwareSettings ReadLoadAware(ConfigFieldReader reader, IConfigurationSection section, string obj, string field)
    {
        var defaults = LoadAwareSettings.Default;
        double? kvCache = null;
        if (reader.String(section, "MaxKvCacheUsage", obj, field) is { } kvText)
        {
            if (double.TryParse(kvText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                kvCache = value;
            }
            else
            {
                reader.Problem(obj, $"{field}.MaxKvCacheUsage", $"'{kvText}' is not a number such as 0.9");
            }
        }

        return new LoadAwareSettings
        {
            MetricsPath = reader.String(section, "MetricsPath", obj, field) ?? defaults.MetricsPath,
            MetricsPort = reader.Int(section, "MetricsPort", obj, field),
            ScrapeInterval = reader.Duration(section, "ScrapeInterval", obj, field) ?? defaults.ScrapeInterval,
            StaleAfterIntervals = reader.Int(section, "StaleAfterIntervals", obj, field) ?? defaults.StaleAfterIntervals,
            MaxQueueDepth = reader.Int(section, "MaxQueueDepth", obj, field) ?? defaults.MaxQueueDepth,
            MaxKvCacheUsage = kvCache ?? defaults.MaxKvCacheUsage,
            MaxQueued = reader.Int(section, "MaxQueued", obj, field) ?? defaults.MaxQueued,
            MaxQueueWait = reader.Duration(section, "MaxQueueWait", obj, field) ?? defaults.MaxQueueWait,
            CriticalMaxQueueWait = reader.Duration(section, "CriticalMaxQueueWait", obj, field) ?? defaults.CriticalMaxQueueWait,
            CriticalityHeader = reader.String(section, "CriticalityHeader", obj, field) ?? defaults.CriticalityHeader,
        };
    }

    private static LoadBalancingMode? ParseMode(ConfigFieldReader reader, string text, string obj, string field)
    {
        if (!int.TryParse(text, out _) && Enum.TryParse<LoadBalancingMode>(text, ignoreCase: true, out var mode))
        {
            return mode;
        }

        reader.Problem(obj, field, $"'{text}' is not one of: {string.Join(", ", Enum.GetNames<LoadBalancingMode>())}");
        return null;
    }
}
