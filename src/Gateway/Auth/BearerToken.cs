using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Auth;

/// <summary>Reads the credential of <c>Authorization: Bearer &lt;token&gt;</c> (RFC 6750; the scheme is case-insensitive).</summary>
internal static class BearerToken
{
    private const string Scheme = "Bearer ";

    public static ReadOnlySpan<char> Read(HttpRequest request)
    {
        var values = request.Headers[HeaderNames.Authorization];
        if (values.Count == 0 || values[0] is not { } header || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return default;
        }

        return header.AsSpan(Scheme.Length).Trim();
    }
}
