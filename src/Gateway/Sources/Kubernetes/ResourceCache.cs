using System.Collections.Immutable;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// The last known objects of one watch, keyed by namespace/name. Written by one <see cref="WatchLoop{T}"/>, read as an
/// immutable snapshot by the processors; it is only replaced by a successful list, so it survives an API-server outage.
/// </summary>
internal sealed class ResourceCache<T> : IResourceCache
    where T : IKubernetesObject<V1ObjectMeta>
{
    private volatile ImmutableDictionary<string, T> _items = ImmutableDictionary<string, T>.Empty.WithComparers(StringComparer.Ordinal);
    private volatile bool _synced;

    public event Action? Changed;

    public ImmutableDictionary<string, T> Items => _items;

    public bool IsSynced => _synced;

    public void Replace(IEnumerable<T> items)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            builder[Key(item)] = Trim(item);
        }

        _items = builder.ToImmutable();
        _synced = true;
        Changed?.Invoke();
    }

    public void Upsert(T item)
    {
        _items = _items.SetItem(Key(item), Trim(item));
        Changed?.Invoke();
    }

    public void Remove(T item)
    {
        _items = _items.Remove(Key(item));
        Changed?.Invoke();
    }

    private static string Key(T item) => $"{item.Metadata.NamespaceProperty}/{item.Metadata.Name}";

    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    // Managed fields and kubectl's copy of the applied manifest are the largest part of most objects (often more than
    // the rest together), and nothing here reads them.
    private static T Trim(T item)
    {
        item.Metadata.ManagedFields = null;
        item.Metadata.Annotations?.Remove(LastAppliedAnnotation);
        return item;
    }
}
