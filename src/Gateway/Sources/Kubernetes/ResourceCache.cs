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

    /// <summary>Raised after one object was added, changed or deleted, with its previous and current versions (null when absent).</summary>
    public event Action<T?, T?>? ItemChanged;

    /// <summary>Raised after a list replaced every object, before <see cref="Changed"/>.</summary>
    public event Action? Listed;

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
        Listed?.Invoke();
        Changed?.Invoke();
    }

    public void Upsert(T item)
    {
        var key = Key(item);
        _items.TryGetValue(key, out var previous);
        _items = _items.SetItem(key, Trim(item));
        ItemChanged?.Invoke(previous, item);
        Changed?.Invoke();
    }

    public void Remove(T item)
    {
        var key = Key(item);
        if (_items.TryGetValue(key, out var previous))
        {
            _items = _items.Remove(key);
            ItemChanged?.Invoke(previous, default);
        }

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
