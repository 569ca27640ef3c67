using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// One Service's EndpointSlices, in name order, and the live endpoint sets handed out for its ports. Sets are held
/// weakly: the backends that use one keep it alive, and a set nobody uses any more is dropped. Used under the
/// <see cref="EndpointTracker"/>'s lock.
/// </summary>
internal sealed class ServiceEndpoints
{
    private readonly List<(string? Port, WeakReference<EndpointSet> Set)> _sets = [];
    private V1EndpointSlice[] _slices = [];

    public bool IsUnused => _slices.Length == 0 && _sets.Count == 0;

    public EndpointSet SetFor(string? port)
    {
        foreach (var (setPort, weak) in _sets)
        {
            if (string.Equals(setPort, port, StringComparison.Ordinal) && weak.TryGetTarget(out var existing))
            {
                return existing;
            }
        }

        _sets.RemoveAll(s => !s.Set.TryGetTarget(out _));
        var set = EndpointSet.Live(EndpointSliceIndex.Endpoints(_slices, port));
        _sets.Add((port, new WeakReference<EndpointSet>(set)));
        return set;
    }

    public void Upsert(V1EndpointSlice slice)
    {
        Remove(slice.Metadata.Name);
        _slices = [.. _slices, slice];
        Array.Sort(_slices, static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
    }

    public void Remove(string name) => _slices = Array.FindAll(_slices, s => !string.Equals(s.Metadata.Name, name, StringComparison.Ordinal));

    public void ReplaceAll(List<V1EndpointSlice> slices)
    {
        _slices = [.. slices];
        Array.Sort(_slices, static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
    }

    /// <summary>Recomputes every set still in use from the slices now, adding those whose addresses changed to <paramref name="changed"/>.</summary>
    public void Recompute(List<EndpointSet> changed)
    {
        for (var i = _sets.Count - 1; i >= 0; i--)
        {
            var (port, weak) = _sets[i];
            if (!weak.TryGetTarget(out var set))
            {
                _sets.RemoveAt(i);
            }
            else if (set.Replace(EndpointSliceIndex.Endpoints(_slices, port)))
            {
                changed.Add(set);
            }
        }
    }
}
