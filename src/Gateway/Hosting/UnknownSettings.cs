using System.Collections;
using System.Reflection;
using Gateway.Sources.File;
using Microsoft.Extensions.Configuration;

namespace Gateway.Hosting;

/// <summary>
/// Finds process settings that bind to nothing: the configuration binder skips a misspelt key silently, and a user
/// who wrote <c>Gateway:PathPolicy:MergeSlashs</c> would run without the setting they meant.
/// </summary>
internal static class UnknownSettings
{
    private const BindingFlags Settable = BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase;

    public static IEnumerable<string> Find(IConfiguration gateway)
    {
        foreach (var child in gateway.GetChildren())
        {
            if (GatewaySection.ProcessKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase)
                && typeof(GatewayOptions).GetProperty(child.Key, Settable) is { } property)
            {
                foreach (var problem in Check(child, property.PropertyType))
                {
                    yield return problem;
                }
            }
        }
    }

    private static IEnumerable<string> Check(IConfigurationSection section, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            yield break;
        }

        var element = ElementType(type);
        foreach (var child in section.GetChildren())
        {
            var childType = element;
            if (childType is null)
            {
                var property = type.GetProperty(child.Key, Settable);
                if (property is null || !(property.CanWrite || !IsScalar(property.PropertyType)))
                {
                    yield return $"{child.Path} is not a setting; {section.Path} takes {string.Join(", ", Names(type))}";
                    continue;
                }

                childType = property.PropertyType;
            }

            foreach (var problem in Check(child, childType))
            {
                yield return problem;
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(Uri) || type == typeof(DateTimeOffset) || type == typeof(DateTime);

    // Dictionaries take any key and lists any index; what matters is their values.
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var generic = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        var item = generic?.GetGenericArguments()[0];
        return item is { IsGenericType: true } && item.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)
            ? item.GetGenericArguments()[1]
            : item ?? typeof(object);
    }

    private static IEnumerable<string> Names(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite || !IsScalar(p.PropertyType))
            .Select(p => p.Name)
            .Order(StringComparer.Ordinal);
}
