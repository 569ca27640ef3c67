using System.Globalization;
using System.Text.Json;
using Gateway.Model;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>Typed reads of an Istio spec's JSON that report a wrong type (or an unknown field) with its path.</summary>
internal static class IstioJson
{
    /// <summary>
    /// Reports every property of <paramref name="obj"/> that is neither supported nor ignored as unsupported (blocking),
    /// and every ignored one with <paramref name="ignoredWhy"/>. False when <paramref name="obj"/> is not an object.
    /// </summary>
    public static bool CheckFields(JsonElement obj, string path, ObjectReport report, string consequence, string[] supported, string[]? ignored = null, string ignoredWhy = "")
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            report.Invalid(path, $"must be an object, not {Describe(obj)}");
            return false;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (System.Array.IndexOf(supported, property.Name) >= 0)
            {
                continue;
            }

            if (ignored is not null && System.Array.IndexOf(ignored, property.Name) >= 0)
            {
                report.Ignored(Join(path, property.Name), ignoredWhy);
                continue;
            }

            report.Unsupported(Join(path, property.Name), consequence);
        }

        return true;
    }

    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public static string? String(JsonElement obj, string name, string path, ObjectReport report)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            report.Invalid(Join(path, name), $"must be a string, not {Describe(value)}");
            return null;
        }

        return value.GetString();
    }

    public static int? Int(JsonElement obj, string name, string path, ObjectReport report)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        // int64 and uint32 fields may arrive as strings in protobuf JSON.
        if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        report.Invalid(Join(path, name), $"must be a whole number, not {Describe(value)}");
        return null;
    }

    public static bool? Bool(JsonElement obj, string name, string path, ObjectReport report)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        report.Invalid(Join(path, name), $"must be true or false, not {Describe(value)}");
        return null;
    }

    public static TimeSpan? Duration(JsonElement obj, string name, string path, ObjectReport report)
    {
        var text = String(obj, name, path, report);
        if (text is null)
        {
            return null;
        }

        if (!DurationParser.TryParse(text, out var duration))
        {
            report.Invalid(Join(path, name), $"'{text}' is not a duration such as 500ms, 5s or 1m");
            return null;
        }

        return duration;
    }

    /// <summary>An Istio <c>Percent</c> (<c>{value: 12.5}</c>) as 0-100.</summary>
    public static double? Percent(JsonElement obj, string name, string path, ObjectReport report)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        var field = Join(path, name);
        if (!CheckFields(value, field, report, "the percentage cannot be read", ["value"]))
        {
            return null;
        }

        if (!TryGet(value, "value", out var number))
        {
            return 0;
        }

        if (number.ValueKind != JsonValueKind.Number || !number.TryGetDouble(out var percent) || percent is < 0 or > 100)
        {
            report.Invalid(Join(field, "value"), $"must be a number from 0 to 100, not {Describe(number)}");
            return null;
        }

        return percent;
    }

    /// <summary>The items of an array field; empty when absent, reported when not an array.</summary>
    public static JsonElement[] Array(JsonElement obj, string name, string path, ObjectReport report)
    {
        if (!TryGet(obj, name, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            report.Invalid(Join(path, name), $"must be a list, not {Describe(value)}");
            return [];
        }

        return [.. value.EnumerateArray()];
    }

    /// <summary>The string items of an array field.</summary>
    public static List<string> Strings(JsonElement obj, string name, string path, ObjectReport report)
    {
        var result = new List<string>();
        var items = Array(obj, name, path, report);
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].ValueKind == JsonValueKind.String)
            {
                result.Add(items[i].GetString()!);
            }
            else
            {
                report.Invalid($"{Join(path, name)}[{i}]", $"must be a string, not {Describe(items[i])}");
            }
        }

        return result;
    }

    /// <summary>The properties of a map field whose values are strings, in document order.</summary>
    public static List<KeyValuePair<string, string>> StringMap(JsonElement obj, string name, string path, ObjectReport report)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (!TryGet(obj, name, out var value))
        {
            return result;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            report.Invalid(Join(path, name), $"must be a map, not {Describe(value)}");
            return result;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                result.Add(new(property.Name, property.Value.GetString()!));
            }
            else
            {
                report.Invalid(Join(Join(path, name), property.Name), $"must be a string, not {Describe(property.Value)}");
            }
        }

        return result;
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
