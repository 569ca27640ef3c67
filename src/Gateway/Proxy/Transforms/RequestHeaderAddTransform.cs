using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Proxy.Transforms;

/// <summary>
/// Adds a value to a request header: the backend sees one header whose values are joined with <c>,</c>
/// (<c>client-value,added</c>), as Gateway API's RequestHeaderModifier add specifies, rather than separate values.
/// </summary>
internal sealed class RequestHeaderAddTransform(string name, string value) : RequestTransform
{
    private readonly StringValues _value = new(value);

    public string Name { get; } = name;

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var existing = TakeHeader(context, Name);
        AddHeader(context, Name, existing.Count == 0 ? _value : new StringValues(string.Join(',', existing.ToArray()) + "," + _value.ToString()));
        return ValueTask.CompletedTask;
    }
}
