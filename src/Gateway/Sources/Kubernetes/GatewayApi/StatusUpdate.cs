using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>The status one object should have; written through its status subresource when it differs from <see cref="Current"/>.</summary>
/// <param name="Object">The object as last seen by the watch.</param>
/// <param name="Plural">Its resource, e.g. <c>httproutes</c>.</param>
/// <param name="Desired">The whole status to write (a typed status object).</param>
/// <param name="Current">The status the object has now, or null.</param>
/// <param name="Group">Its API group: the Gateway API's unless said otherwise (InferencePools).</param>
internal sealed record StatusUpdate(IKubernetesObject<V1ObjectMeta> Object, string Plural, object Desired, object? Current, string Group = GatewayApiGroup.Name)
{
    /// <summary>The version written; every kind with a status is served as v1.</summary>
    public string Version { get; init; } = GatewayApiGroup.V1;
}
