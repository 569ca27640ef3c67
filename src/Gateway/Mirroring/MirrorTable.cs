using System.Text.Json;
using Gateway.Model;
using Gateway.Proxy;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Mirroring;

/// <summary>A route's mirrors, compiled once per endpoint from the route's metadata.</summary>
internal sealed class MirrorTable(RequestMirror[] mirrors)
{
    public RequestMirror[] Mirrors { get; } = mirrors;

    /// <summary>The table of a YARP route that mirrors, or null.</summary>
    public static MirrorTable? From(RouteConfig route) =>
        route.Metadata is { } metadata && metadata.TryGetValue(RouteMetadataKeys.Mirrors, out var json)
            ? new MirrorTable(JsonSerializer.Deserialize<RequestMirror[]>(json, ModelJson.Options)!)
            : null;
}
