using System.Globalization;
using Gateway.Model;
using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>
/// Reads typed fields from a configuration section and records every problem with the object and field it concerns,
/// so that one pass reports all mistakes instead of the first.
/// </summary>
internal sealed class ConfigFieldReader(string source, List<ModelProblem> problems)
{
    public string Source { get; } = source;

    public void Problem(string objectName, string field, string message) =>
        problems.Add(new ModelProblem(Source, objectName, field, message));

    /// <summary>Reports keys of <paramref name="section"/> that are not in <paramref name="known"/>: a typo must not be silently ignored.</summary>
    public void RejectUnknownKeys(IConfiguration section, string objectName, string field, params ReadOnlySpan<string> known)
    {
        foreach (var child in section.GetChildren())
        {
            var isKnown = false;
            foreach (var name in known)
            {
                if (string.Equals(name, child.Key, StringComparison.OrdinalIgnoreCase))
                {
                    isKnown = true;
                    break;
                }
            }

            if (!isKnown)
            {
                Problem(objectName, Join(field, child.Key), $"unknown field; expected one of: {string.Join(", ", known.ToArray())}");
            }
        }
    }

    public string? String(IConfigurationSection parent, string key, string objectName, string field)
    {
        var section = parent.GetSection(key);
        if (section.Value is { } value)
        {
            return value;
        }

        if (section.GetChildren().Any())
        {
            Problem(objectName, Join(field, key), "must be a string, not an object or array");
        }

        return null;
    }

    public int? Int(IConfigurationSection parent, string key, string objectName, string field) =>
        Parse(parent, key, objectName, field, "is not a whole number", static (string text, out int value) =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value));

    public long? Long(IConfigurationSection parent, string key, string objectName, string field) =>
        Parse(parent, key, objectName, field, "is not a whole number", static (string text, out long value) =>
            long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value));

    public bool? Bool(IConfigurationSection parent, string key, string objectName, string field) =>
        Parse<bool>(parent, key, objectName, field, "is not true or false", bool.TryParse);

    public TimeSpan? Duration(IConfigurationSection parent, string key, string objectName, string field) =>
        Parse<TimeSpan>(parent, key, objectName, field, "is not a duration such as 500ms, 30s, 2m or 00:00:30", DurationParser.TryParse);

    public TEnum? Enum<TEnum>(IConfigurationSection parent, string key, string objectName, string field)
        where TEnum : struct, Enum =>
        Parse(parent, key, objectName, field, $"is not one of: {string.Join(", ", System.Enum.GetNames<TEnum>())}", static (string text, out TEnum value) =>
        {
            value = default;
            return !int.TryParse(text, out _) && System.Enum.TryParse(text, ignoreCase: true, out value);
        });

    private T? Parse<T>(IConfigurationSection parent, string key, string objectName, string field, string expectation, TryParse<T> tryParse)
        where T : struct
    {
        var text = String(parent, key, objectName, field);
        if (text is null)
        {
            return null;
        }

        if (tryParse(text, out var value))
        {
            return value;
        }

        Problem(objectName, Join(field, key), $"'{text}' {expectation}");
        return null;
    }

    /// <summary>A list of strings, written either as a JSON array or as one string.</summary>
    public List<string> Strings(IConfigurationSection parent, string key, string objectName, string field)
    {
        var section = parent.GetSection(key);
        var values = new List<string>();
        if (!string.IsNullOrEmpty(section.Value))
        {
            values.Add(section.Value);
            return values;
        }

        foreach (var item in section.GetChildren())
        {
            if (item.Value is null)
            {
                Problem(objectName, Join(field, key, item.Key), "must be a string");
                continue;
            }

            values.Add(item.Value);
        }

        return values;
    }

    /// <summary>The items of an array in declaration order (configuration sorts numeric keys numerically).</summary>
    public static IEnumerable<IConfigurationSection> Items(IConfiguration parent, string key) =>
        parent.GetSection(key).GetChildren();

    public static string Join(string field, string key) => field.Length == 0 ? key : $"{field}.{key}";

    public static string Join(string field, string key, string index) => $"{Join(field, key)}[{index}]";

    private delegate bool TryParse<T>(string text, out T value);
}
