using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes;

/// <summary>One open watch of a <see cref="ScriptedApi"/>.</summary>
internal sealed class ScriptedWatch
{
    public Channel<(WatchEventType, V1ConfigMap)> Events { get; } = Channel.CreateUnbounded<(WatchEventType, V1ConfigMap)>();

    public void Send(WatchEventType type, V1ConfigMap item) => Events.Writer.TryWrite((type, item));

    public void Close() => Events.Writer.TryComplete();

    public void Fail(Exception exception) => Events.Writer.TryComplete(exception);
}
