using System.Globalization;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>nginx sizes: a byte count with an optional <c>k</c>, <c>m</c> or <c>g</c> suffix (either case).</summary>
internal static class NginxSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        if (text.Length == 0)
        {
            return false;
        }

        var multiplier = char.ToLowerInvariant(text[^1]) switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            _ => 1L,
        };
        var digits = multiplier == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > long.MaxValue / multiplier)
        {
            return false;
        }

        bytes = count * multiplier;
        return true;
    }
}
