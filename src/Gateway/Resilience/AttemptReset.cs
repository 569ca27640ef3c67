using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Resilience;

/// <summary>Undoes what a failed forwarding attempt left on a response that has not started, so another attempt can answer.</summary>
internal static class AttemptReset
{
    /// <summary>The headers set before forwarding (e.g. the canary variant), which survive the reset; null when there are none.</summary>
    public static KeyValuePair<string, StringValues>[]? Capture(IHeaderDictionary headers)
    {
        if (headers.Count == 0)
        {
            return null;
        }

        var copy = new KeyValuePair<string, StringValues>[headers.Count];
        var i = 0;
        foreach (var header in headers)
        {
            copy[i++] = header;
        }

        return copy;
    }

    /// <summary>Clears the attempt's error, status and headers (the 502, headers of response transforms), puts back the captured ones and narrows the endpoints.</summary>
    public static void Prepare(
        HttpContext context, IReverseProxyFeature proxy, KeyValuePair<string, StringValues>[]? earlyHeaders, IReadOnlyList<DestinationState> remaining)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Clear();
        if (earlyHeaders is not null)
        {
            foreach (var (name, value) in earlyHeaders)
            {
                context.Response.Headers[name] = value;
            }
        }

        proxy.AvailableDestinations = remaining;
    }
}
