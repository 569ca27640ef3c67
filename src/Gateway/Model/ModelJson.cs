using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Model;

/// <summary>The one JSON shape used for model snapshots, route metadata and the admin <c>/config</c> page.</summary>
internal static class ModelJson
{
    /// <summary>What <see cref="Redacted"/> writes in place of a <see cref="SecretAttribute"/> value.</summary>
    public const string RedactedValue = "(redacted)";

    public static JsonSerializerOptions Options { get; } = Create(indented: false, redact: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true, redact: false);

    /// <summary>Indented, with every <see cref="SecretAttribute"/> value replaced by <see cref="RedactedValue"/>: for the admin pages.</summary>
    public static JsonSerializerOptions Redacted { get; } = Create(indented: true, redact: true);

    private static JsonSerializerOptions Create(bool indented, bool redact)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = indented,
        };
        if (redact)
        {
            options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RedactSecrets } };
        }

        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static void RedactSecrets(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.AttributeProvider?.GetCustomAttributes(typeof(SecretAttribute), inherit: false) is not [SecretAttribute secret] || property.Get is not { } get)
            {
                continue;
            }

            property.Get = (secret.UserInfoOnly, property.PropertyType) switch
            {
                (false, var t) when t == typeof(string) => owner => RedactString(get(owner)),
                (false, var t) when t == typeof(ImmutableArray<KeyValuePair<string, string>>) => owner => RedactValues((ImmutableArray<KeyValuePair<string, string>>)get(owner)!),
                (true, var t) when t == typeof(string) => owner => get(owner) is string url ? RedactUserInfo(url) : null,
                (true, var t) when t == typeof(ImmutableArray<string>) => owner => RedactUserInfo((ImmutableArray<string>)get(owner)!),
                _ => throw new InvalidOperationException($"{type.Type.Name}.{property.Name}: [Secret] supports strings and name/value pairs, and with UserInfoOnly, URLs and arrays of them"),
            };
        }
    }

    // An empty value stays empty: it sets nothing secret, and shows that nothing is set.
    private static object? RedactString(object? value) => value is string { Length: > 0 } ? RedactedValue : value;

    // http://user:password@host:port/path -> http://(redacted)@host:port/path; an address without user information is kept as is.
    private static string RedactUserInfo(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return url;
        }

        var start = scheme + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        var at = url.AsSpan(start, (end < 0 ? url.Length : end) - start).LastIndexOf('@');
        return at < 0 ? url : string.Concat(url.AsSpan(0, start), RedactedValue, url.AsSpan(start + at));
    }

    private static ImmutableArray<string> RedactUserInfo(ImmutableArray<string> urls) =>
        urls.IsDefaultOrEmpty ? urls : urls.Select(RedactUserInfo).ToImmutableArray();

    private static ImmutableArray<KeyValuePair<string, string>> RedactValues(ImmutableArray<KeyValuePair<string, string>> pairs)
    {
        if (pairs.IsDefaultOrEmpty)
        {
            return pairs;
        }

        var redacted = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>(pairs.Length);
        foreach (var pair in pairs)
        {
            redacted.Add(KeyValuePair.Create(pair.Key, RedactedValue));
        }

        return redacted.MoveToImmutable();
    }
}
