using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>The namespace, label selector and field selector of a list or watch request (equality terms only; fields metadata.name, metadata.namespace and a Secret's type).</summary>
internal sealed record FakeWatchFilter(string? Namespace, Dictionary<string, string> Labels, Dictionary<string, string> Fields)
{
    public bool Matches(JsonObject item)
    {
        var metadata = item["metadata"]!;
        if (Namespace is not null && metadata["namespace"]?.GetValue<string>() != Namespace)
        {
            return false;
        }

        foreach (var (key, value) in Labels)
        {
            if (metadata["labels"]?[key]?.GetValue<string>() != value)
            {
                return false;
            }
        }

        foreach (var (key, value) in Fields)
        {
            var actual = key switch
            {
                "metadata.name" => metadata["name"]?.GetValue<string>(),
                "metadata.namespace" => metadata["namespace"]?.GetValue<string>(),
                "type" => item["type"]?.GetValue<string>(),
                _ => null,
            };
            if (actual != value)
            {
                return false;
            }
        }

        return true;
    }
}
