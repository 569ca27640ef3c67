using k8s.Models;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>One path of one rule of an Ingress, with where it sits in the spec (for names and error fields).</summary>
internal sealed record IngressPath(int RuleIndex, int PathIndex, string? Host, string Path, string PathType, V1IngressServiceBackend Service)
{
    /// <summary>The requests it takes: canaries join the main Ingress with the same key, and an older Ingress wins a key.</summary>
    public string Key => $"{Host}|{PathType}|{Path}";

    public string Field => $"spec.rules[{RuleIndex}].http.paths[{PathIndex}]";
}
