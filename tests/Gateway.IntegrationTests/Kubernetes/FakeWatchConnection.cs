using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>One open watch of the fake API server: the lines still to send on it.</summary>
internal sealed record FakeWatchConnection(HttpContext Context, FakeWatchFilter Filter, bool Bookmarks, FakeResourceKind ResourceKind)
{
    public string Kind => ResourceKind.Plural;

    public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();

    /// <summary>Set to stop sending anything on this connection while keeping it open.</summary>
    public bool Stalled { get; set; }
}
