using System.Net.Http;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Resilience;

/// <summary>
/// Tells a failed connection attempt (refused, unreachable) from failures after bytes were sent: the client library
/// reports the former as a socket error inside <see cref="HttpRequestError.ConnectionError"/>, before it touches the
/// request body, so sending the request elsewhere is safe whatever its method.
/// </summary>
internal static class ConnectFailure
{
    public static bool Is(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>() is { Error: ForwarderError.Request, Exception: { } exception } && Is(exception);

    public static bool Is(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError, InnerException: SocketException };
}
