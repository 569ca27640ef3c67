using Microsoft.Extensions.Primitives;

namespace Gateway.Primitives;

/// <summary>Finds one cookie in the raw <c>Cookie</c> headers without building the request's cookie dictionary.</summary>
internal static class CookieValue
{
    /// <summary>The value of the first cookie called <paramref name="name"/> (case-sensitive), without surrounding quotes.</summary>
    public static bool TryGet(StringValues cookieHeaders, string name, out ReadOnlySpan<char> value)
    {
        for (var i = 0; i < cookieHeaders.Count; i++)
        {
            var rest = cookieHeaders[i].AsSpan();
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf(';');
                var pair = (end < 0 ? rest : rest[..end]).Trim();
                rest = end < 0 ? [] : rest[(end + 1)..];
                var equals = pair.IndexOf('=');
                if (equals <= 0 || !pair[..equals].TrimEnd().SequenceEqual(name))
                {
                    continue;
                }

                value = pair[(equals + 1)..].TrimStart();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }

                return true;
            }
        }

        value = default;
        return false;
    }
}
