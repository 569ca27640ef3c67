namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// A resource path the fake API server understands:
/// <c>/api/v1[/namespaces/{ns}]/{plural}[/{name}[/status]]</c> and the same under <c>/apis/{group}/{version}</c>.
/// </summary>
internal sealed record FakeRequestPath(string Group, string Version, string? Namespace, string Plural, string? Name, string? Subresource)
{
    public static FakeRequestPath? Parse(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var (group, version, rest) = segments switch
        {
            ["api", var v, .. var tail] => ("", v, tail),
            ["apis", var g, var v, .. var tail] => (g, v, tail),
            _ => ("", "", Array.Empty<string>()),
        };
        string? ns = null;
        if (rest is ["namespaces", var nsName, _, ..])
        {
            ns = nsName;
            rest = rest[2..];
        }

        return rest switch
        {
            [var plural] => new(group, version, ns, plural, null, null),
            [var plural, var name] => new(group, version, ns, plural, name, null),
            [var plural, var name, var sub] => new(group, version, ns, plural, name, sub),
            _ => null,
        };
    }
}
