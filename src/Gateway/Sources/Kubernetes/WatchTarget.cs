using k8s;

namespace Gateway.Sources.Kubernetes;

/// <summary>One list+watch query against the API server (a kind in a namespace, with its selectors).</summary>
/// <param name="Description">For logs, e.g. <c>services in all namespaces</c>.</param>
/// <param name="List">Lists the objects.</param>
/// <param name="Watch">Streams changes after a resourceVersion; throws when the stream fails or the server sends an ERROR event.</param>
internal sealed record WatchTarget<T>(
    string Description,
    Func<CancellationToken, Task<ResourceList<T>>> List,
    Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Object)>> Watch)
{
    /// <summary>The kind for metrics when the object type does not say it (Istio kinds share one type); null to use the type's name.</summary>
    public string? Kind { get; init; }
}
