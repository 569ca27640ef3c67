namespace Gateway.Tests.Architecture;

/// <summary>
/// A type's simple name says what it is in the whole gateway, not only in its folder: log lines, stack traces and
/// searches show the simple name. Nested types (such as the source-generated logging class <c>Log</c>) are exempt.
/// </summary>
public sealed class TypeNameTests
{
    [Fact]
    public void No_two_types_share_a_simple_name()
    {
        var byName = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var type in GatewayArchitecture.Instance.Types)
        {
            var fullName = type.FullName;
            if (!fullName.StartsWith("Gateway.", StringComparison.Ordinal) || fullName.Contains('+') || fullName.Contains('<'))
            {
                continue;
            }

            var name = type.Name.Split('`')[0];
            if (!byName.TryGetValue(name, out var namespaces))
            {
                byName[name] = namespaces = [];
            }

            namespaces.Add(type.Namespace.FullName);
        }

        Assert.True(byName.Count > 100, $"only {byName.Count} types were found; the assembly did not load as expected");
        var shared = byName.Where(entry => entry.Value.Count > 1).Select(entry => $"{entry.Key}: {string.Join(", ", entry.Value.Order(StringComparer.Ordinal))}");
        Assert.Empty(shared);
    }
}
