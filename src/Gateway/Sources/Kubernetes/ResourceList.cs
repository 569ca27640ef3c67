namespace Gateway.Sources.Kubernetes;

/// <summary>The result of a list call: the objects and the resourceVersion to watch from.</summary>
internal sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion);
