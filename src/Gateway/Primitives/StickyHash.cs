namespace Gateway.Primitives;

/// <summary>
/// A hash that is the same in every process and on every replica (unlike <see cref="string.GetHashCode()"/>), so a
/// sticky user lands on the same variant whichever gateway pod serves them.
/// </summary>
internal static class StickyHash
{
    /// <summary>FNV-1a over the UTF-16 code units, finished with a full-avalanche mix.</summary>
    public static ulong Of(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash);
    }

    /// <summary>
    /// Weighted rendezvous score of a key for one variant; the lowest score wins. A variant wins with probability
    /// weight / total, and raising one variant's weight only ever moves keys into that variant.
    /// </summary>
    public static double Score(ulong key, ulong variantSeed, double inverseWeight)
    {
        var bits = Mix(key ^ variantSeed) >> 11;
        var unit = (bits + 0.5) * (1.0 / (1UL << 53));
        return -Math.Log(unit) * inverseWeight;
    }

    /// <summary>
    /// A key's place from 0 to 99 for one variant, uniform over keys: with a share of p percent, the keys below p take
    /// the variant, so raising the share only moves keys into it and lowering it only moves keys out.
    /// </summary>
    public static int Percentile(ulong key, ulong variantSeed) => (int)(((Mix(key ^ variantSeed) >> 11) * 100) >> 53);

    // MurmurHash3's 64-bit finaliser.
    private static ulong Mix(ulong value)
    {
        value ^= value >> 33;
        value *= 0xff51afd7ed558ccdUL;
        value ^= value >> 33;
        value *= 0xc4ceb9fe1a85ec53UL;
        value ^= value >> 33;
        return value;
    }
}
