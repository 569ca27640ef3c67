using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// Prepares a desired status for writing: each condition keeps the lastTransitionTime it has now when its status did
/// not change (the Kubernetes convention), and gets <c>now</c> otherwise. List entries are paired with the current
/// ones by identity: conditions by type, listeners by name, route parents by parentRef and controllerName.
/// </summary>
internal static class StatusJson
{
    public static void StampTransitions(JsonNode desired, JsonNode? current, DateTimeOffset now)
    {
        switch (desired)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToArray())
                {
                    if (child is null)
                    {
                        continue;
                    }

                    var counterpart = (current as JsonObject)?[key];
                    if (key == "conditions" && child is JsonArray conditions)
                    {
                        Conditions(conditions, counterpart as JsonArray, now);
                    }
                    else
                    {
                        StampTransitions(child, counterpart, now);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        StampTransitions(item, Find(current as JsonArray, item), now);
                    }
                }

                break;
        }
    }

    private static void Conditions(JsonArray desired, JsonArray? current, DateTimeOffset now)
    {
        foreach (var condition in desired.OfType<JsonObject>())
        {
            var previous = Find(current, condition);
            condition["lastTransitionTime"] = previous is not null && JsonNode.DeepEquals(previous["status"], condition["status"]) && previous["lastTransitionTime"] is { } time
                ? time.DeepClone()
                : now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
    }

    private static JsonObject? Find(JsonArray? current, JsonNode item)
    {
        if (current is null || item is not JsonObject wanted)
        {
            return null;
        }

        foreach (var candidate in current.OfType<JsonObject>())
        {
            if (SameIdentity(wanted, candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool SameIdentity(JsonObject a, JsonObject b) =>
        a.ContainsKey("parentRef") ? JsonNode.DeepEquals(a["parentRef"], b["parentRef"]) && JsonNode.DeepEquals(a["controllerName"], b["controllerName"])
        : a.ContainsKey("type") ? JsonNode.DeepEquals(a["type"], b["type"])
        : JsonNode.DeepEquals(a["name"], b["name"]);
}
