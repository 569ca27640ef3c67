using System.Net;
using System.Text.Json;
using k8s.Autorest;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// A list or watch the API server refused with 403 Forbidden: the service account's RBAC rules lack it. Read from the
/// refused request, so it names exactly what to grant.
/// </summary>
/// <param name="Verb"><c>list</c> or <c>watch</c>.</param>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Resource">The resource's plural, e.g. <c>ingresses</c>.</param>
/// <param name="Namespace">Null when listed in all namespaces (or cluster-scoped).</param>
/// <param name="Message">The API server's own explanation, when it sent one.</param>
internal sealed record WatchRefusal(string Verb, string Group, string Resource, string? Namespace, string? Message)
{
    /// <summary>E.g. <c>list ingresses.networking.k8s.io in all namespaces</c>.</summary>
    public string Access => $"{Verb} {(Group.Length == 0 ? Resource : $"{Resource}.{Group}")} {(Namespace is null ? "in all namespaces" : $"in namespace '{Namespace}'")}";

    /// <summary>The RBAC rule that grants it (the gateway both lists and watches what it reads).</summary>
    public string Rule => $"apiGroups: [\"{Group}\"], resources: [\"{Resource}\"], verbs: [\"list\", \"watch\"]";

    /// <summary>Where the rule goes: the ClusterRole for all namespaces, or a Role in the one namespace.</summary>
    public string Role => Namespace is null
        ? "the gateway's ClusterRole (deploy/base/rbac.yaml)"
        : $"a Role in namespace '{Namespace}' bound to the gateway's service account, or its ClusterRole (deploy/base/rbac.yaml)";

    /// <summary>The refusal <paramref name="exception"/> reports; null for any other failure.</summary>
    public static WatchRefusal? From(Exception exception)
    {
        if (exception is not HttpOperationException { Response.StatusCode: HttpStatusCode.Forbidden } forbidden
            || forbidden.Request?.RequestUri is not { } uri)
        {
            return null;
        }

        // /api/v1/[namespaces/{ns}/]{resource} or /apis/{group}/{version}/[namespaces/{ns}/]{resource}
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        var (group, rest) = segments switch
        {
            ["api", _, .. var tail] => ("", tail),
            ["apis", var name, _, .. var tail] => (name, tail),
            _ => ("", Array.Empty<string>()),
        };
        var (ns, resource) = rest switch
        {
            ["namespaces", var name, var plural, ..] => (name, plural),
            [var plural, ..] => (null, plural),
            _ => (null, null),
        };
        if (resource is null)
        {
            return null;
        }

        var watch = QueryHelpers.ParseQuery(uri.Query).TryGetValue("watch", out var value) && value.ToString() is "true" or "1";
        return new WatchRefusal(watch ? "watch" : "list", group, resource, ns, ServerMessage(forbidden.Response.Content));
    }

    private static string? ServerMessage(string? status)
    {
        if (string.IsNullOrEmpty(status))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(status);
            return document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
