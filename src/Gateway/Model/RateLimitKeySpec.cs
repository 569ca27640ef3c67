namespace Gateway.Model;

/// <summary>
/// Which parts of a request make up a policy's bucket key: the client IP, one request header, the route, the
/// authenticated caller (<c>identity</c>: API key id or token subject), the caller (<c>caller</c>: the identity when
/// authenticated, else the client IP), or a mix written <c>ip+header:X-Api-Key</c>.
/// </summary>
internal sealed record RateLimitKeySpec(bool ClientIp, string? Header, bool Route, bool Identity = false, bool Caller = false)
{
    public const string DefaultText = "ip";

    public const string Expected = "ip, header:<Name>, route, identity, caller, or a '+'-joined combination such as ip+header:X-Api-Key";

    public static RateLimitKeySpec Default { get; } = new(true, null, false);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out RateLimitKeySpec spec, out string error)
    {
        spec = Default;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"is empty; expected {Expected}";
            return false;
        }

        bool ip = false, route = false, identity = false, caller = false;
        string? header = null;
        foreach (var raw in text.Split('+'))
        {
            var part = raw.Trim();
            if (part.Equals("ip", StringComparison.OrdinalIgnoreCase) && !ip)
            {
                ip = true;
            }
            else if (part.Equals("route", StringComparison.OrdinalIgnoreCase) && !route)
            {
                route = true;
            }
            else if (part.Equals("identity", StringComparison.OrdinalIgnoreCase) && !identity)
            {
                identity = true;
            }
            else if (part.Equals("caller", StringComparison.OrdinalIgnoreCase) && !caller)
            {
                caller = true;
            }
            else if (part.StartsWith("header:", StringComparison.OrdinalIgnoreCase) && header is null)
            {
                header = part["header:".Length..].Trim();
                if (!IsToken(header))
                {
                    error = $"'{text}': '{header}' is not a valid header name";
                    return false;
                }
            }
            else
            {
                error = $"'{text}': part '{part}' is unknown or repeated; expected {Expected} (at most one header)";
                return false;
            }
        }

        spec = new RateLimitKeySpec(ip, header, route, identity, caller);
        return true;
    }

    // RFC 9110 token characters.
    private static bool IsToken(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}
