using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// One shared instance of each short string that many objects repeat (a namespace, a label key, <c>TCP</c>): every
/// listed object arrives with its own copies, which for 10,000 Services are megabytes of the same few words. Bounded:
/// once full it hands strings back as they are, so values that never repeat cannot make it grow without limit.
/// </summary>
internal sealed class StringPool(int capacity, int maxLength)
{
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private int _count;

    [return: NotNullIfNotNull(nameof(value))]
    public string? Share(string? value)
    {
        if (value is null || value.Length > maxLength)
        {
            return value;
        }

        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (Volatile.Read(ref _count) >= capacity)
        {
            return value;
        }

        shared = _strings.GetOrAdd(value, value);
        if (ReferenceEquals(shared, value))
        {
            Interlocked.Increment(ref _count);
        }

        return shared;
    }
}
