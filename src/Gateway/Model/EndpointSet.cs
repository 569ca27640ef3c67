using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Gateway.Model;

/// <summary>
/// The ready endpoints of a backend. A configured backend's set is fixed. A discovered backend's set is live: the same
/// instance stays in every model snapshot while its Service keeps the port, and an endpoint-only change (an
/// EndpointSlice's readiness, a scale, a new pod address) replaces its contents in place and raises
/// <see cref="Changed"/>, so the proxy moves that backend's destinations without a new model or a reload of every route
/// (docs/architecture.md). Readers take <see cref="Current"/> once and use that array.
/// </summary>
[JsonConverter(typeof(EndpointSetJsonConverter))]
[CollectionBuilder(typeof(EndpointSet), nameof(Create))]
internal sealed class EndpointSet : IReadOnlyCollection<string>, IEquatable<EndpointSet>
{
    private string[] _current;

    private EndpointSet(ImmutableArray<string> endpoints, bool live)
    {
        _current = ImmutableCollectionsMarshal.AsArray(endpoints.IsDefault ? [] : endpoints)!;
        IsLive = live;
    }

    public static EndpointSet Empty { get; } = new([], live: false);

    /// <summary>Raised after a live set's contents changed, on the thread that changed them.</summary>
    public event Action<EndpointSet>? Changed;

    /// <summary>Whether the contents may change in place (a discovered backend); false for a fixed set.</summary>
    public bool IsLive { get; }

    /// <summary>The addresses now, e.g. <c>http://10.0.0.7:8080</c>, in order.</summary>
    public ImmutableArray<string> Current => ImmutableCollectionsMarshal.AsImmutableArray(Volatile.Read(ref _current));

    public int Count => Volatile.Read(ref _current).Length;

    /// <summary>A fixed set, also what a collection expression makes.</summary>
    public static EndpointSet Create(ReadOnlySpan<string> endpoints) => endpoints.IsEmpty ? Empty : new([.. endpoints], live: false);

    /// <summary>A set whose contents <see cref="Replace"/> may change.</summary>
    public static EndpointSet Live(ImmutableArray<string> endpoints) => new(endpoints, live: true);

    public static implicit operator EndpointSet(ImmutableArray<string> endpoints) => endpoints.IsDefaultOrEmpty ? Empty : new(endpoints, live: false);

    /// <summary>Replaces a live set's contents; false, with nothing changed, when they are the same addresses in the same order.</summary>
    /// <remarks>Call <see cref="NotifyChanged"/> after a true result, outside any lock the caller holds.</remarks>
    public bool Replace(ImmutableArray<string> endpoints)
    {
        if (!IsLive)
        {
            throw new InvalidOperationException("A fixed endpoint set cannot change.");
        }

        if (Current.AsSpan().SequenceEqual(endpoints.AsSpan()))
        {
            return false;
        }

        Volatile.Write(ref _current, ImmutableCollectionsMarshal.AsArray(endpoints)!);
        return true;
    }

    public void NotifyChanged() => Changed?.Invoke(this);

    /// <summary>Sets are equal when they hold the same addresses now: a backend record compares by what it serves.</summary>
    public bool Equals(EndpointSet? other) => other is not null && (ReferenceEquals(this, other) || Current.AsSpan().SequenceEqual(other.Current.AsSpan()));

    public override bool Equals(object? obj) => Equals(obj as EndpointSet);

    public override int GetHashCode() => Count;

    public ImmutableArray<string>.Enumerator GetEnumerator() => Current.GetEnumerator();

    IEnumerator<string> IEnumerable<string>.GetEnumerator() => ((IEnumerable<string>)Current).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Current).GetEnumerator();
}
