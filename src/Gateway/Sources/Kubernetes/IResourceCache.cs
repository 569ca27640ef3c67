namespace Gateway.Sources.Kubernetes;

/// <summary>What a publisher needs of a cache regardless of its kind: whether it has listed, and when it changes.</summary>
internal interface IResourceCache
{
    event Action? Changed;

    bool IsSynced { get; }
}
