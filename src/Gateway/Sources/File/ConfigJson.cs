using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>
/// Turns a configuration section back into JSON, for settings that are documents of their own (an inline JWKS).
/// IConfiguration keeps only strings and writes arrays as keys 0..n-1, so values come back as strings and such
/// sections as arrays.
/// </summary>
internal static class ConfigJson
{
    public static string Write(IConfigurationSection section) => ToNode(section)?.ToJsonString() ?? "null";

    private static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        if (IsArray(children))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture)))
            {
                array.Add(ToNode(child));
            }

            return array;
        }

        var obj = new JsonObject();
        foreach (var child in children)
        {
            obj[child.Key] = ToNode(child);
        }

        return obj;
    }

    private static bool IsArray(List<IConfigurationSection> children)
    {
        var indexes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < children.Count; i++)
        {
            indexes.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return children.All(c => indexes.Contains(c.Key));
    }
}
