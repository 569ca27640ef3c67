namespace Gateway.Sources;

/// <summary>Kubernetes object-name rules (RFC 1123), checked without regular expressions.</summary>
internal static class KubernetesNames
{
    public static bool IsDnsLabel(string? value) =>
        value is { Length: > 0 and <= 63 } && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]) && IsLowerAlphanumericOr(value, '-');

    public static bool IsDnsSubdomain(string? value)
    {
        if (value is not { Length: > 0 and <= 253 })
        {
            return false;
        }

        foreach (var label in value.Split('.'))
        {
            if (!IsDnsLabel(label))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerAlphanumericOr(string value, char extra)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == extra))
            {
                return false;
            }
        }

        return true;
    }
}
