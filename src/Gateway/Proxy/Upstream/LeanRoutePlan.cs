using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Gateway.Proxy.Transforms;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// A route's YARP transforms as the lean upstream path applies them, compiled once from the route's own transform
/// configuration, the same list YARP builds its transformer from. Only the transforms the translator writes are known;
/// a route with any other, or with a header transform on a header the lean path writes itself (Host aside, the
/// forwarded headers, framing and hop-by-hop headers), gets no plan and stays on YARP's forwarder.
/// </summary>
internal sealed class LeanRoutePlan
{
    private static readonly FrozenSet<string> ReservedRequestHeaders = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix", "Content-Length", "Transfer-Encoding", "Expect",
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Upgrade", "Trailer");

    private static readonly FrozenSet<string> ReservedResponseHeaders = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade", "Trailer");

    private readonly string _pathValue = "";
    private readonly string _replacement = "";
    private readonly Regex? _regex;
    private readonly RewriteTemplate? _template;

    private LeanRoutePlan(
        string? fixedHost, bool forwardedPrefixFromPathBase, PathRewriteKind pathRewrite, string pathValue, string replacement,
        HeaderOperation[] requestHeaders, HeaderOperation[] responseHeaders)
    {
        FixedHost = fixedHost;
        ForwardedPrefixFromPathBase = forwardedPrefixFromPathBase;
        PathRewrite = pathRewrite;
        _pathValue = pathValue;
        _replacement = replacement;
        if (pathRewrite == PathRewriteKind.Regex)
        {
            _regex = RouteRegex.FullMatch(pathValue);
            _template = RewriteTemplate.Parse(replacement);
        }

        ForwardedPrefix = pathRewrite == PathRewriteKind.ReplacePrefix ? pathValue.TrimEnd('/') : null;
        RequestHeaders = requestHeaders;
        ResponseHeaders = responseHeaders;
        var touched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var operation in requestHeaders)
        {
            touched.Add(operation.Name);
        }

        RequestHeaderNames = touched.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The Host the backend sees; null keeps the client's.</summary>
    public string? FixedHost { get; }

    /// <summary>True when <c>X-Forwarded-Prefix</c> is set from the request's path base (YARP's default); false when the route turned it off.</summary>
    public bool ForwardedPrefixFromPathBase { get; }

    public PathRewriteKind PathRewrite { get; }

    /// <summary>The prefix a <see cref="PathRewriteKind.ReplacePrefix"/> route reports in <c>X-Forwarded-Prefix</c> ("" removes the header); otherwise null.</summary>
    public string? ForwardedPrefix { get; }

    /// <summary>The route's request header transforms, in order.</summary>
    public HeaderOperation[] RequestHeaders { get; }

    /// <summary>The names <see cref="RequestHeaders"/> touch: the writer copies the client's values of these only through the operations.</summary>
    public FrozenSet<string> RequestHeaderNames { get; }

    /// <summary>The route's response header transforms (all of them <c>When=Always</c>), in order.</summary>
    public HeaderOperation[] ResponseHeaders { get; }

    /// <summary>Compiles a route's transforms; null, with the reason, when the lean path cannot apply them exactly.</summary>
    public static LeanRoutePlan? Compile(IReadOnlyList<IReadOnlyDictionary<string, string>>? transforms, out string? declined)
    {
        string? fixedHost = null;
        var prefixFromPathBase = true;
        var rewrite = PathRewriteKind.None;
        string pathValue = "", replacement = "";
        var request = new List<HeaderOperation>();
        var response = new List<HeaderOperation>();
        foreach (var transform in transforms ?? [])
        {
            declined = null;
            if (Is(transform, "RequestHeaderOriginalHost", out var original) && original == "true")
            {
                continue;
            }

            if (Is(transform, "RequestHeader", out var hostName, "Set", out var host) && hostName.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                fixedHost = host;
                if (!Ascii.IsValid(host))
                {
                    declined = "a Host that is not ASCII";
                    return null;
                }

                continue;
            }

            if (Is(transform, "X-Forwarded", out var forwarded, "Prefix", out var prefix) && forwarded == "Set" && prefix == "Off")
            {
                prefixFromPathBase = false;
            }
            else if (Is(transform, "RequestHeader", out var name, "Set", out var value))
            {
                declined = AddRequest(request, HeaderOperationKind.Set, name, value);
            }
            else if (Is(transform, TransformNames.RequestHeaderAdd, out name, TransformNames.Value, out value))
            {
                declined = AddRequest(request, HeaderOperationKind.Join, name, value);
            }
            else if (Is(transform, "RequestHeaderRemove", out name))
            {
                declined = AddRequest(request, HeaderOperationKind.Remove, name, "");
            }
            else if (Is(transform, TransformNames.ReplacePrefixMatch, out var matched, TransformNames.With, out var with))
            {
                declined = SetRewrite(ref rewrite, PathRewriteKind.ReplacePrefix);
                (pathValue, replacement) = (matched, with);
            }
            else if (Is(transform, TransformNames.RegexRewrite, out var pattern, TransformNames.With, out var template))
            {
                declined = SetRewrite(ref rewrite, PathRewriteKind.Regex);
                (pathValue, replacement) = (pattern, template);
            }
            else if (Is(transform, "PathSet", out var fixedPath))
            {
                declined = SetRewrite(ref rewrite, PathRewriteKind.Set);
                pathValue = fixedPath;
            }
            else if (IsResponse(transform, out var kind, out name, out value))
            {
                declined = ReservedResponseHeaders.Contains(name) ? $"response header transform on '{name}'" : null;
                response.Add(new HeaderOperation(kind, name, value));
            }
            else
            {
                declined = $"transform '{string.Join(",", transform.Keys)}'";
            }

            if (declined is not null)
            {
                return null;
            }
        }

        // The translator pairs ReplacePrefixMatch with X-Forwarded Prefix Off; alone, YARP's default would overwrite its prefix.
        if (rewrite == PathRewriteKind.ReplacePrefix && prefixFromPathBase)
        {
            declined = "ReplacePrefixMatch without 'X-Forwarded: Set, Prefix: Off'";
            return null;
        }

        declined = null;
        return new LeanRoutePlan(fixedHost, prefixFromPathBase, rewrite, pathValue, replacement, [.. request], [.. response]);
    }

    /// <summary>The path the backend gets for <paramref name="path"/> (the path the gateway matched), as the route's path transform makes it.</summary>
    public string RewritePath(string path) => PathRewrite switch
    {
        PathRewriteKind.ReplacePrefix => PrefixRewriter.Replace(path, _pathValue, _replacement),
        PathRewriteKind.Set => _pathValue,
        PathRewriteKind.Regex => ExpandRegex(path),
        _ => path,
    };

    private string ExpandRegex(string path)
    {
        var match = _regex!.Match(path);
        if (!match.Success)
        {
            return path;
        }

        var rewritten = _template!.Expand(match);
        return rewritten.StartsWith('/') ? rewritten : "/" + rewritten;
    }

    private static string? AddRequest(List<HeaderOperation> operations, HeaderOperationKind kind, string name, string value)
    {
        if (ReservedRequestHeaders.Contains(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
        {
            return $"request header transform on '{name}'";
        }

        // The head is written as ASCII; anything else is left to YARP's forwarder and its own error.
        if (!Ascii.IsValid(name) || !Ascii.IsValid(value))
        {
            return $"request header transform on '{name}' with a value that is not ASCII";
        }

        operations.Add(new HeaderOperation(kind, name, value));
        return null;
    }

    private static string? SetRewrite(ref PathRewriteKind rewrite, PathRewriteKind kind)
    {
        if (rewrite != PathRewriteKind.None)
        {
            return "more than one path transform";
        }

        rewrite = kind;
        return null;
    }

    private static bool IsResponse(IReadOnlyDictionary<string, string> transform, out HeaderOperationKind kind, out string name, out string value)
    {
        kind = HeaderOperationKind.Remove;
        value = "";
        if (transform.Count == 2 && transform.TryGetValue("ResponseHeaderRemove", out name!) && transform.TryGetValue("When", out var removeWhen))
        {
            return removeWhen == "Always";
        }

        if (transform.Count != 3 || !transform.TryGetValue("ResponseHeader", out name!) || !transform.TryGetValue("When", out var when) || when != "Always")
        {
            name = "";
            return false;
        }

        if (transform.TryGetValue("Set", out value!))
        {
            kind = HeaderOperationKind.Set;
            return true;
        }

        kind = HeaderOperationKind.Append;
        return transform.TryGetValue("Append", out value!);
    }

    private static bool Is(IReadOnlyDictionary<string, string> transform, string key, out string value)
    {
        value = "";
        return transform.Count == 1 && transform.TryGetValue(key, out value!);
    }

    private static bool Is(IReadOnlyDictionary<string, string> transform, string key, out string value, string key2, out string value2)
    {
        value = value2 = "";
        return transform.Count == 2 && transform.TryGetValue(key, out value!) && transform.TryGetValue(key2, out value2!);
    }
}
