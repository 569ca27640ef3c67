namespace Gateway.Tls;

/// <summary>What a certificate can be bound to: a DNS name, or <c>*.</c> followed by one (a wildcard one label deep).</summary>
internal static class TlsHostName
{
    public static bool IsValid(string host)
    {
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host.AsSpan(2) : host.AsSpan();
        if (name.IsEmpty || name.Length > 253 || name[0] == '.' || name[^1] == '.' || name.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '.')
            {
                return false;
            }
        }

        return true;
    }
}
