using Gateway.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Gateway.Headers;

/// <summary>
/// Runs before routing on every proxied request, open route or not, so route matches, auth and backends only see
/// headers the gateway vouches for. It refuses (400) a header value holding a control character other than tab, or a
/// non-ASCII character: Kestrel itself refuses only NUL, CR, LF and invalid UTF-8, the forwarder cannot send non-ASCII,
/// and a backend may cut a value at a control byte. It removes every client copy of an identity header
/// (<see cref="IdentityHeaderNames"/>), so only the auth step can set one, and removes headers with <c>_</c> in their
/// names unless <see cref="HeaderOptions.AllowUnderscores"/>, as nginx ignores them.
/// </summary>
internal sealed class RequestHeaderGuardMiddleware(RequestDelegate next, IdentityHeaderNames identityHeaders, IOptions<HeaderOptions> options)
{
    private readonly bool _allowUnderscores = options.Value.AllowUnderscores;

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        List<string>? removed = null;
        foreach (var (name, values) in headers)
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (!IsForwardable(values[i]))
                {
                    return ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, $"The request header '{name}' contains a control or non-ASCII character.");
                }
            }

            if ((!_allowUnderscores && name.Contains('_')) || identityHeaders.Contains(name))
            {
                (removed ??= []).Add(name);
            }
        }

        if (removed is not null)
        {
            foreach (var name in removed)
            {
                headers.Remove(name);
            }
        }

        return next(context);
    }

    /// <summary>True when <paramref name="value"/> holds only visible ASCII, spaces and tabs (RFC 9110 field-content without obs-text).</summary>
    internal static bool IsForwardable(ReadOnlySpan<char> value)
    {
        int index;
        while ((index = value.IndexOfAnyExceptInRange(' ', '~')) >= 0)
        {
            if (value[index] != '\t')
            {
                return false;
            }

            value = value[(index + 1)..];
        }

        return true;
    }
}
