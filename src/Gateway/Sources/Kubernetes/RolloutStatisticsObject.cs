using System.Text;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// The shape of a replica's rollout statistics in the API: a ConfigMap <c>mlgateway-rollout-stats-&lt;replica&gt;</c>
/// labelled <see cref="Label"/>, its counts as JSON under <see cref="Key"/>, owned by the replica's Pod when the Pod is
/// known so that Kubernetes deletes it with the Pod.
/// </summary>
internal static class RolloutStatisticsObject
{
    public const string Label = "mlgateway.io/rollout-statistics";
    public const string Selector = Label + "=true";
    public const string Key = "statistics.json";
    public const string NamePrefix = "mlgateway-rollout-stats-";

    // A ConfigMap name is a DNS subdomain of at most 253 characters.
    private const int MaxNameLength = 253;

    /// <summary>
    /// The object's name for <paramref name="replica"/> (the Pod's name, so a restarted container takes its object
    /// back; else the process's identity), made a valid name: lower case, other characters as <c>-</c>.
    /// </summary>
    public static string NameOf(string replica)
    {
        var name = new StringBuilder(NamePrefix, MaxNameLength);
        foreach (var c in replica.ToLowerInvariant())
        {
            if (name.Length == MaxNameLength)
            {
                break;
            }

            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-');
        }

        return name.ToString().TrimEnd('-', '.');
    }

    /// <summary>
    /// The Pod as owner, when its name and uid are known (from the downward API) and it lives in the object's
    /// namespace: an owner in another namespace would make the garbage collector delete the object at once.
    /// </summary>
    public static V1OwnerReference? Owner(string? podName, string? podUid, string? podNamespace, string objectNamespace) =>
        string.IsNullOrEmpty(podName) || string.IsNullOrEmpty(podUid) || podNamespace != objectNamespace
            ? null
            : new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = podName, Uid = podUid };

    public static V1ConfigMap Create(string name, string ns, V1OwnerReference? owner, string json) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { [Label] = "true" },
            OwnerReferences = owner is null ? null : [owner],
        },
        Data = new Dictionary<string, string> { [Key] = json },
    };
}
