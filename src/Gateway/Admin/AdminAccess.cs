using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Admin;

/// <summary>
/// Who may read the admin pages that describe the configuration (<c>/config</c>, <c>/routes</c>, ...). Probes and
/// metrics are open: the kubelet and Prometheus reach them from other addresses. Every other page is served to
/// loopback connections (a shell in the pod, <c>kubectl port-forward</c>) and, when a token is configured, to requests
/// with <c>Authorization: Bearer &lt;token&gt;</c>.
/// </summary>
internal sealed class AdminAccess
{
    private const string Realm = "gateway-admin";

    // Kept as a hash so comparing takes the same time whatever the length of the guess.
    private readonly byte[]? _tokenHash;

    /// <param name="token">The bearer token that opens every page; null opens them to loopback clients only.</param>
    public AdminAccess(string? token)
    {
        _tokenHash = token is { Length: > 0 } ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;
    }

    /// <summary>Pages anyone who reaches the admin port may read: liveness, readiness and metrics.</summary>
    public static bool IsOpen(PathString path) => path.Value is "/healthz" or "/readyz" or "/metrics";

    public bool Allows(HttpContext context) =>
        IsOpen(context.Request.Path) || IsLoopback(context.Connection) || HasToken(context.Request);

    /// <summary>401 asking for the token when one is configured; otherwise 403 saying how to get access.</summary>
    public Task RefuseAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/plain; charset=utf-8";
        if (_tokenHash is null)
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            return response.WriteAsync(
                $"admin page {context.Request.Path} is served to loopback clients only (kubectl port-forward); set Gateway:Admin:Token or Gateway:Admin:TokenFile to serve it to others with a bearer token\n");
        }

        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\"";
        return response.WriteAsync($"admin page {context.Request.Path} needs Authorization: Bearer <the token of Gateway:Admin:Token or Gateway:Admin:TokenFile>\n");
    }

    /// <summary>
    /// Both ends on loopback. The local end matters: a mesh sidecar relays outside clients to the pod's address from
    /// 127.0.0.6, a loopback source on a connection that did not come from inside the pod.
    /// </summary>
    private static bool IsLoopback(ConnectionInfo connection) =>
        IsLoopback(connection.RemoteIpAddress) && IsLoopback(connection.LocalIpAddress);

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private bool HasToken(HttpRequest request)
    {
        if (_tokenHash is null)
        {
            return false;
        }

        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } authorization
            || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization.AsSpan("Bearer ".Length).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }
}
