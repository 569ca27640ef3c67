using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// The Services (namespace/name) that changed since the last <see cref="Take"/>, from the Service caches' events, so
/// <see cref="ServiceProcessor"/> reads those alone. A list (at start, or after a watch's resourceVersion expired)
/// replaces every object of its cache, and asks for everything to be read again.
/// </summary>
internal sealed class ServiceChanges
{
    private readonly Lock _lock = new();
    private HashSet<string> _changed = new(StringComparer.Ordinal);
    private bool _all = true;

    public ServiceChanges(IReadOnlyList<ResourceCache<V1Service>> caches)
    {
        foreach (var cache in caches)
        {
            cache.ItemChanged += OnChanged;
            cache.Listed += OnListed;
        }
    }

    /// <summary>The Services changed since the last call; null when every Service is to be read (nothing was read yet, or a watch listed again).</summary>
    /// <remarks>Called before the caches are read: a change after it is in the next call's answer, and its cache's Changed event asks for that build.</remarks>
    public IReadOnlyCollection<string>? Take()
    {
        lock (_lock)
        {
            if (_all)
            {
                _all = false;
                _changed.Clear();
                return null;
            }

            var changed = _changed;
            _changed = new HashSet<string>(StringComparer.Ordinal);
            return changed;
        }
    }

    private void OnChanged(V1Service? previous, V1Service? current)
    {
        var metadata = (current ?? previous)!.Metadata;
        var key = $"{metadata.NamespaceProperty}/{metadata.Name}";
        lock (_lock)
        {
            _changed.Add(key);
        }
    }

    private void OnListed()
    {
        lock (_lock)
        {
            _all = true;
        }
    }
}
