using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Model;
using Gateway.Primitives;
using Gateway.Sources.Kubernetes.Annotations;
using static Gateway.Sources.Kubernetes.Istio.IstioJson;
using ValueMatch = Gateway.Model.ValueMatch;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// Turns one entry of a VirtualService's <c>http</c> list into a route. Any unsupported or invalid field leaves the
/// whole route out (reported), so a route is never served with part of its behaviour missing. A route that splits
/// traffic runs the VirtualService's <paramref name="rollout"/>, when it declares one.
/// </summary>
internal sealed class VirtualServiceTranslator(IstioObject service, ObjectReport report, DestinationResolver destinations, IstioOptions options, RouteRollout? rollout = null)
{
    public const string LeftOut = "the http route is left out";

    private static readonly string[] RouteFields =
        ["name", "match", "route", "redirect", "directResponse", "rewrite", "timeout", "retries", "fault", "mirror", "mirrorPercentage", "mirrorPercent", "mirrors", "corsPolicy", "headers"];

    private static readonly string[] MatchFields = ["name", "uri", "method", "authority", "headers", "withoutHeaders", "queryParams", "ignoreUriCase", "gateways"];

    private static readonly string[] StringMatchFields = ["exact", "prefix", "regex"];

    private static readonly ImmutableArray<int> DefaultRetryStatuses = [503];

    private readonly string _ns = service.Metadata.NamespaceProperty ?? "default";

    /// <summary>The route of <c>http[index]</c>, or null when it is left out (its problems are in the report).</summary>
    public RouteModel? Translate(JsonElement http, int index, ImmutableArray<string> hostnames)
    {
        var path = $"spec.http[{index}]";
        var blocking = report.Blocking;
        if (!CheckFields(http, path, report, LeftOut, RouteFields))
        {
            return null;
        }

        var matches = ReadMatches(http, path, out var anyForThisGateway);
        var route = new RouteModel
        {
            Name = $"istio/{_ns}/{service.Metadata.Name}/{index}",
            Source = IstioProcessor.Source,
            Hostnames = hostnames,
            Matches = matches,
            InDeclarationOrder = true,
            Timeout = ReadTimeout(http, path),
            Retry = ReadRetries(http, path),
        };

        var filters = new RouteFilters
        {
            UrlRewrite = ReadRewrite(http, path, matches),
            RequestHeaders = ReadHeaderOperations(http, path, "request"),
            ResponseHeaders = ReadHeaderOperations(http, path, "response"),
            Fault = ReadFault(http, path),
            Mirrors = ReadMirrors(http, path),
        };

        var redirect = TryGet(http, "redirect", out var redirectJson) ? ReadRedirect(redirectJson, $"{path}.redirect") : null;
        var direct = TryGet(http, "directResponse", out var directJson) ? ReadDirectResponse(directJson, $"{path}.directResponse") : null;
        var cors = TryGet(http, "corsPolicy", out var corsJson) ? ReadCors(corsJson, $"{path}.corsPolicy") : null;
        var destinationsJson = Array(http, "route", path, report);
        var actions = (redirect is null ? 0 : 1) + (direct is null ? 0 : 1) + (destinationsJson.Length == 0 ? 0 : 1);
        if (actions != 1 && report.Blocking == blocking)
        {
            report.Invalid(path, actions == 0
                ? "needs one of route, redirect or directResponse; " + LeftOut
                : "must have only one of route, redirect and directResponse; " + LeftOut);
        }

        var (backends, canary) = ReadDestinations(destinationsJson, path);
        if (report.Blocking != blocking || !anyForThisGateway)
        {
            return null;
        }

        return route with
        {
            Filters = filters with { Redirect = redirect, DirectResponse = direct },
            Backends = backends,
            Canary = canary,
            Cors = cors,
        };
    }

    private ImmutableArray<RouteMatch> ReadMatches(JsonElement http, string path, out bool anyForThisGateway)
    {
        var items = Array(http, "match", path, report);
        anyForThisGateway = true;
        if (items.Length == 0)
        {
            return [new RouteMatch()];
        }

        var matches = ImmutableArray.CreateBuilder<RouteMatch>();
        for (var i = 0; i < items.Length; i++)
        {
            var field = $"{path}.match[{i}]";
            var item = items[i];
            if (!CheckFields(item, field, report, LeftOut, MatchFields))
            {
                continue;
            }

            // A match that names other gateways applies there, not here.
            var gateways = Strings(item, "gateways", field, report);
            if (gateways.Count > 0 && !IstioHosts.IsAdopted(gateways, _ns, options))
            {
                continue;
            }

            var ignoreCase = Bool(item, "ignoreUriCase", field, report) ?? false;
            var match = new RouteMatch
            {
                Path = ReadUri(item, field, ignoreCase),
                Method = ReadMethod(item, field),
                Headers = [.. ReadValueMatches(item, "headers", field), .. ReadWithoutHeaders(item, field), .. ReadAuthority(item, field)],
                QueryParameters = [.. ReadValueMatches(item, "queryParams", field)],
            };
            matches.Add(match);
        }

        anyForThisGateway = matches.Count > 0;
        return matches.ToImmutable();
    }

    /// <summary>
    /// Istio's <c>uri</c>: a plain string prefix (not segment-aware), an exact path, or a regular expression over the whole
    /// path; <c>ignoreUriCase</c> applies to the first two only, as in Istio, where a regex carries its own <c>(?i)</c>.
    /// </summary>
    private PathMatch ReadUri(JsonElement match, string path, bool ignoreCase)
    {
        if (!ReadStringMatch(match, "uri", path, out var type, out var value))
        {
            return PathMatch.Root;
        }

        var field = $"{path}.uri.{type}";
        if (type == "regex")
        {
            if (ignoreCase)
            {
                report.Ignored($"{path}.ignoreUriCase", "it applies to exact and prefix only, as in Istio; write (?i) in the regex to ignore case");
            }

            return ReadRegex(value, field) is { } pattern ? new PathMatch(PathMatchType.RegularExpression, pattern) : PathMatch.Root;
        }

        if (!value.StartsWith('/'))
        {
            report.Invalid(field, $"'{value}' must start with '/'; {LeftOut}");
            return PathMatch.Root;
        }

        return new PathMatch(type == "exact" ? PathMatchType.Exact : PathMatchType.StringPrefix, value) { IgnoreCase = ignoreCase };
    }

    /// <summary>An Istio (RE2) regular expression as the gateway matches it, or null when reported.</summary>
    private string? ReadRegex(string value, string field)
    {
        var pattern = IstioRegex.Translate(value, out var error);
        if (pattern is null)
        {
            report.Invalid(field, $"{error}; {LeftOut}");
        }

        return pattern;
    }

    private string? ReadMethod(JsonElement match, string path)
    {
        if (!ReadStringMatch(match, "method", path, out var type, out var value))
        {
            return null;
        }

        if (type != "exact")
        {
            report.Unsupported($"{path}.method.{type}", "methods match exactly only; " + LeftOut);
            return null;
        }

        return value.ToUpperInvariant();
    }

    /// <summary>The authority (Host) as a header match that allows a port after the name, compared case-insensitively.</summary>
    private IEnumerable<ValueMatch> ReadAuthority(JsonElement match, string path)
    {
        if (!ReadStringMatch(match, "authority", path, out var type, out var value))
        {
            yield break;
        }

        var pattern = type switch
        {
            "exact" => $"(?i:{Regex.Escape(value)})(:[0-9]+)?",
            "prefix" => $"(?i:{Regex.Escape(value)}).*",
            _ => ReadRegex(value, $"{path}.authority.regex"),
        };
        if (pattern is not null)
        {
            yield return new ValueMatch("Host", pattern, ValueMatchType.RegularExpression);
        }
    }

    /// <summary>
    /// <c>withoutHeaders</c>: the headers (same StringMatch as <c>headers</c>) that must not match. Envoy reads a missing
    /// header as the empty value there, which the gateway's "no value matches" agrees with except for a match that takes
    /// the empty value itself: that one is refused rather than served differently.
    /// </summary>
    private IEnumerable<ValueMatch> ReadWithoutHeaders(JsonElement match, string path)
    {
        foreach (var header in ReadValueMatches(match, "withoutHeaders", path))
        {
            // ".*" here is the presence match ({} or regex "*"): without the header, as in Istio.
            var takesEmpty = header.Type == ValueMatchType.Exact
                ? header.Value.Length == 0
                : header.Value != ".*" && RouteRegex.FullMatch(header.Value).IsMatch("");
            if (takesEmpty)
            {
                report.Unsupported(
                    $"{Join(Join(path, "withoutHeaders"), header.Name)}",
                    "with a value that matches the empty string (Envoy treats a missing header as empty there); use {} to ask that the header be absent; " + LeftOut);
                continue;
            }

            yield return header with { Invert = true };
        }
    }

    private List<ValueMatch> ReadValueMatches(JsonElement match, string name, string path)
    {
        var result = new List<ValueMatch>();
        if (!TryGet(match, name, out var map))
        {
            return result;
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            report.Invalid(Join(path, name), $"must be a map, not {Describe(map)}; {LeftOut}");
            return result;
        }

        foreach (var property in map.EnumerateObject())
        {
            var field = Join(Join(path, name), property.Name);
            if (!CheckFields(property.Value, field, report, LeftOut, StringMatchFields))
            {
                continue;
            }

            var kinds = property.Value.EnumerateObject().ToArray();
            if (kinds.Length == 0)
            {
                // An empty match ({}) asks only that the header or parameter be present.
                result.Add(new ValueMatch(property.Name, ".*", ValueMatchType.RegularExpression));
                continue;
            }

            if (kinds.Length > 1 || kinds[0].Value.ValueKind != JsonValueKind.String)
            {
                report.Invalid(field, $"must have exactly one of exact, prefix or regex, as a string; {LeftOut}");
                continue;
            }

            var value = kinds[0].Value.GetString()!;
            var kindField = $"{field}.{kinds[0].Name}";
            switch (kinds[0].Name)
            {
                case "exact":
                    result.Add(new ValueMatch(property.Name, value));
                    break;
                case "prefix" when value.Length == 0:
                    report.Invalid(kindField, $"must not be empty (use {{}} to ask only that it be present); {LeftOut}");
                    break;
                case "prefix":
                    result.Add(new ValueMatch(property.Name, Regex.Escape(value) + ".*", ValueMatchType.RegularExpression));
                    break;
                case "regex" when value == "*":
                    // Istio reads the regex "*" as presence, not as an (invalid) expression.
                    result.Add(new ValueMatch(property.Name, ".*", ValueMatchType.RegularExpression));
                    break;
                default:
                    if (ReadRegex(value, kindField) is { } pattern)
                    {
                        result.Add(new ValueMatch(property.Name, pattern, ValueMatchType.RegularExpression));
                    }

                    break;
            }
        }

        return result;
    }

    /// <summary>Reads an Istio <c>StringMatch</c>: exactly one of exact, prefix, regex.</summary>
    private bool ReadStringMatch(JsonElement obj, string name, string path, out string type, out string value)
    {
        if (!TryGet(obj, name, out var match))
        {
            type = "";
            value = "";
            return false;
        }

        return ReadStringMatch(match, Join(path, name), out type, out value);
    }

    private (ImmutableArray<BackendRef> Backends, CanaryPolicy? Canary) ReadDestinations(JsonElement[] items, string path)
    {
        var refs = ImmutableArray.CreateBuilder<BackendRef>();
        var resolved = new List<ResolvedDestination>();
        var weights = new List<int?>();
        var named = new List<(string Host, string? Subset)>();
        for (var i = 0; i < items.Length; i++)
        {
            var field = $"{path}.route[{i}]";
            if (!CheckFields(items[i], field, report, LeftOut, ["destination", "weight"]))
            {
                continue;
            }

            var weight = Int(items[i], "weight", field, report);
            if (weight is < 0)
            {
                report.Invalid($"{field}.weight", $"is {weight}; weights must be 0 or more; {LeftOut}");
            }

            if (!TryGet(items[i], "destination", out var destination))
            {
                report.Invalid($"{field}.destination", "is required; " + LeftOut);
                continue;
            }

            if (destinations.Resolve(_ns, destination, $"{field}.destination", report) is { } target)
            {
                resolved.Add(target);
                weights.Add(weight);
                named.Add((Text(destination, "host") ?? "", Text(destination, "subset")));
            }
        }

        // Istio: a single destination takes everything; several without any weight share equally.
        var allUnset = weights.TrueForAll(w => w is null);
        for (var i = 0; i < resolved.Count; i++)
        {
            var weight = weights[i] ?? (resolved.Count == 1 || allUnset ? 1 : 0);
            refs.Add(new BackendRef(resolved[i].Backend, resolved.Count == 1 ? Math.Max(weight, 1) : weight));
        }

        var canary = StickySubsets(resolved);
        if (rollout is not null && refs.Count > 1)
        {
            var candidates = new (string Shown, string[] Names, int Weight)[refs.Count];
            for (var i = 0; i < refs.Count; i++)
            {
                var (host, subset) = named[i];
                candidates[i] = subset is null ? ($"'{host}'", [host], refs[i].Weight) : ($"'{host}' subset '{subset}'", [host, subset], refs[i].Weight);
            }

            var index = SplitCanary.Choose(rollout.Canary, candidates, out var problem);
            if (index < 0)
            {
                report.Invalid($"{path}.route", $"{problem}; {LeftOut}");
            }
            else
            {
                canary = (canary ?? new CanaryPolicy()) with { Backend = refs[index].Name, Rollout = rollout.Policy };
            }
        }

        return (refs.ToImmutable(), canary);
    }

    /// <summary>A string field read quietly: the resolver has already reported what is wrong with the destination.</summary>
    private static string? Text(JsonElement obj, string name) =>
        TryGet(obj, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// When every destination of a split hashes on the same header or cookie, the same key also picks the same
    /// destination, so a user stays on one subset (Istio only keeps the endpoint within the subset the weights chose).
    /// </summary>
    private static CanaryPolicy? StickySubsets(List<ResolvedDestination> resolved)
    {
        if (resolved.Count < 2 || resolved[0].LoadBalancing is not { Mode: LoadBalancingMode.ConsistentHash } first)
        {
            return null;
        }

        foreach (var destination in resolved)
        {
            if (destination.LoadBalancing is not { Mode: LoadBalancingMode.ConsistentHash } other
                || other.HashHeader != first.HashHeader
                || other.HashCookie != first.HashCookie)
            {
                return null;
            }
        }

        return first.HashHeader is null && first.HashCookie is null
            ? null
            : new CanaryPolicy { StickyHeader = first.HashHeader, StickyCookie = first.HashCookie };
    }

    private TimeSpan? ReadTimeout(JsonElement http, string path)
    {
        var timeout = Duration(http, "timeout", path, report);

        // 0s turns Istio's timeout off.
        return timeout == TimeSpan.Zero ? null : timeout;
    }

    private RetryPolicy? ReadRetries(JsonElement http, string path)
    {
        if (!TryGet(http, "retries", out var retries))
        {
            // Istio retries twice on connection failures and 503 unless told otherwise.
            return new RetryPolicy { Attempts = 3, Statuses = DefaultRetryStatuses, AllMethods = true };
        }

        var field = $"{path}.retries";
        if (!CheckFields(retries, field, report, LeftOut, ["attempts", "retryOn", "perTryTimeout"], ["retryRemoteLocalities"], "the gateway has no localities"))
        {
            return null;
        }

        var attempts = Int(retries, "attempts", field, report) ?? 2;
        if (attempts is < 0 or > 4)
        {
            report.Invalid($"{field}.attempts", $"is {attempts}; the gateway retries 0 to 4 times; {LeftOut}");
            return null;
        }

        if (attempts == 0)
        {
            return null;
        }

        var statuses = new SortedSet<int>();
        var retryOn = String(retries, "retryOn", field, report) ?? "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes,503";
        foreach (var part in retryOn.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (part)
            {
                case "5xx":
                    statuses.UnionWith(Enumerable.Range(500, 100));
                    break;
                case "gateway-error":
                    statuses.UnionWith([502, 503, 504]);
                    break;
                case "connect-failure" or "refused-stream" or "reset" or "retriable-status-codes":
                    // Connection failures are always retried; retriable-status-codes only enables the numbers listed.
                    break;
                case "unavailable" or "cancelled" or "deadline-exceeded" or "internal" or "resource-exhausted":
                    // gRPC statuses: the gateway proxies HTTP/1.1 and HTTP/2 without reading gRPC trailers.
                    break;
                default:
                    if (int.TryParse(part, out var status) && status is >= 500 and <= 599)
                    {
                        statuses.Add(status);
                    }
                    else
                    {
                        report.Unsupported($"{field}.retryOn", $"'{part}' cannot be retried (supported: 5xx, gateway-error, connect-failure, refused-stream, reset, retriable-status-codes and 5xx status numbers); {LeftOut}");
                    }

                    break;
            }
        }

        return new RetryPolicy { Attempts = attempts + 1, Statuses = [.. statuses], AllMethods = true, PerTryTimeout = Duration(retries, "perTryTimeout", field, report) };
    }

    private UrlRewrite? ReadRewrite(JsonElement http, string path, ImmutableArray<RouteMatch> matches)
    {
        if (!TryGet(http, "rewrite", out var rewrite))
        {
            return null;
        }

        var field = $"{path}.rewrite";
        if (!CheckFields(rewrite, field, report, LeftOut, ["uri", "authority"]))
        {
            return null;
        }

        PathRewrite? pathRewrite = null;
        if (String(rewrite, "uri", field, report) is { } uri)
        {
            // Istio replaces the prefix a prefix match matched, and the whole path otherwise.
            var prefixes = matches.Count(m => m.Path.Type is PathMatchType.PathPrefix or PathMatchType.StringPrefix);
            if (prefixes == matches.Length)
            {
                pathRewrite = new PathRewrite(PathRewriteType.ReplacePrefixMatch, uri);
            }
            else if (prefixes == 0)
            {
                pathRewrite = new PathRewrite(PathRewriteType.ReplaceFullPath, uri);
            }
            else
            {
                report.Unsupported($"{field}.uri", "with both prefix and other matches on one route (split it into one route per kind of match); " + LeftOut);
            }
        }

        return new UrlRewrite { Path = pathRewrite, Hostname = String(rewrite, "authority", field, report) };
    }

    private HeaderModifier? ReadHeaderOperations(JsonElement http, string path, string direction)
    {
        if (!TryGet(http, "headers", out var headers))
        {
            return null;
        }

        var field = $"{path}.headers";
        if (!CheckFields(headers, field, report, LeftOut, ["request", "response"]) || !TryGet(headers, direction, out var operations))
        {
            return null;
        }

        field = $"{field}.{direction}";
        if (!CheckFields(operations, field, report, LeftOut, ["set", "add", "remove"]))
        {
            return null;
        }

        return new HeaderModifier
        {
            Set = [.. StringMap(operations, "set", field, report)],
            Add = [.. StringMap(operations, "add", field, report)],
            Remove = [.. Strings(operations, "remove", field, report)],
        };
    }

    private FaultInjection? ReadFault(JsonElement http, string path)
    {
        if (!TryGet(http, "fault", out var fault))
        {
            return null;
        }

        var field = $"{path}.fault";
        if (!CheckFields(fault, field, report, LeftOut, ["delay", "abort"]))
        {
            return null;
        }

        var result = new FaultInjection();
        if (TryGet(fault, "delay", out var delay))
        {
            var delayField = $"{field}.delay";
            if (CheckFields(delay, delayField, report, LeftOut, ["fixedDelay", "percentage", "percent"]))
            {
                var fixedDelay = Duration(delay, "fixedDelay", delayField, report);
                if (fixedDelay is null or { Ticks: <= 0 })
                {
                    report.Invalid($"{delayField}.fixedDelay", "is required and must be greater than zero; " + LeftOut);
                }

                result = result with { Delay = fixedDelay, DelayPercent = Percent(delay, "percentage", delayField, report) ?? Int(delay, "percent", delayField, report) ?? 100 };
            }
        }

        if (TryGet(fault, "abort", out var abort))
        {
            var abortField = $"{field}.abort";
            if (CheckFields(abort, abortField, report, LeftOut, ["httpStatus", "percentage"]))
            {
                var status = Int(abort, "httpStatus", abortField, report);
                if (status is not (>= 200 and <= 599))
                {
                    report.Invalid($"{abortField}.httpStatus", "is required and must be a status from 200 to 599; " + LeftOut);
                }

                result = result with { AbortStatus = status, AbortPercent = Percent(abort, "percentage", abortField, report) ?? 100 };
            }
        }

        return result;
    }

    private ImmutableArray<RequestMirror> ReadMirrors(JsonElement http, string path)
    {
        var mirrors = ImmutableArray.CreateBuilder<RequestMirror>();
        if (TryGet(http, "mirror", out var mirror))
        {
            // Without a percentage Istio mirrors every request.
            var percent = Percent(http, "mirrorPercentage", path, report) ?? Int(http, "mirrorPercent", path, report) ?? 100;
            if (destinations.Resolve(_ns, mirror, $"{path}.mirror", report) is { } target)
            {
                mirrors.Add(new RequestMirror(target.Backend, percent));
            }
        }

        var items = Array(http, "mirrors", path, report);
        for (var i = 0; i < items.Length; i++)
        {
            var field = $"{path}.mirrors[{i}]";
            if (!CheckFields(items[i], field, report, LeftOut, ["destination", "percentage"]))
            {
                continue;
            }

            var percent = Percent(items[i], "percentage", field, report) ?? 100;
            if (!TryGet(items[i], "destination", out var destination))
            {
                report.Invalid($"{field}.destination", "is required; " + LeftOut);
            }
            else if (destinations.Resolve(_ns, destination, $"{field}.destination", report) is { } target)
            {
                mirrors.Add(new RequestMirror(target.Backend, percent));
            }
        }

        return mirrors.ToImmutable();
    }

    private RequestRedirect? ReadRedirect(JsonElement redirect, string path)
    {
        if (!CheckFields(redirect, path, report, LeftOut, ["uri", "authority", "port", "scheme", "redirectCode"]))
        {
            return null;
        }

        var uri = String(redirect, "uri", path, report);
        return new RequestRedirect
        {
            Path = uri is null ? null : new PathRewrite(PathRewriteType.ReplaceFullPath, uri),
            Hostname = String(redirect, "authority", path, report),
            Port = Int(redirect, "port", path, report),
            Scheme = String(redirect, "scheme", path, report),
            StatusCode = Int(redirect, "redirectCode", path, report) ?? 301,
        };
    }

    private DirectResponse? ReadDirectResponse(JsonElement direct, string path)
    {
        if (!CheckFields(direct, path, report, LeftOut, ["status", "body"]))
        {
            return null;
        }

        var status = Int(direct, "status", path, report);
        if (status is not (>= 200 and <= 599))
        {
            report.Invalid($"{path}.status", "is required and must be a status from 200 to 599; " + LeftOut);
            return null;
        }

        if (!TryGet(direct, "body", out var body))
        {
            return new DirectResponse(status.Value);
        }

        var bodyField = $"{path}.body";
        if (!CheckFields(body, bodyField, report, LeftOut, ["string", "bytes"]))
        {
            return null;
        }

        if (String(body, "string", bodyField, report) is { } text)
        {
            return new DirectResponse(status.Value, text);
        }

        if (String(body, "bytes", bodyField, report) is { } base64)
        {
            try
            {
                return new DirectResponse(status.Value, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
            }
            catch (FormatException)
            {
                report.Invalid($"{bodyField}.bytes", "is not base64; " + LeftOut);
            }
        }

        return null;
    }

    private CorsPolicy? ReadCors(JsonElement cors, string path)
    {
        if (!CheckFields(cors, path, report, LeftOut,
                ["allowOrigins", "allowOrigin", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge", "allowCredentials"],
                ["unmatchedPreflights"], "preflights that match no origin are answered as the gateway's CORS does"))
        {
            return null;
        }

        var origins = new List<string>(Strings(cors, "allowOrigin", path, report));
        var items = Array(cors, "allowOrigins", path, report);
        for (var i = 0; i < items.Length; i++)
        {
            var field = $"{path}.allowOrigins[{i}]";
            if (!ReadStringMatch(items[i], field, out var type, out var value))
            {
                continue;
            }

            if (type == "exact")
            {
                origins.Add(value);
            }
            else
            {
                report.Unsupported($"{field}.{type}", "origins match exactly (or '*') only; " + LeftOut);
            }
        }

        return new CorsPolicy
        {
            AllowOrigins = [.. origins],
            AllowMethods = [.. Strings(cors, "allowMethods", path, report)],
            AllowHeaders = [.. Strings(cors, "allowHeaders", path, report)],
            ExposeHeaders = [.. Strings(cors, "exposeHeaders", path, report)],
            AllowCredentials = Bool(cors, "allowCredentials", path, report) ?? false,
            MaxAge = Duration(cors, "maxAge", path, report),
        };
    }

    /// <summary>A StringMatch that is itself a list item rather than a named field.</summary>
    private bool ReadStringMatch(JsonElement item, string field, out string type, out string value)
    {
        type = "";
        value = "";
        if (!CheckFields(item, field, report, LeftOut, StringMatchFields))
        {
            return false;
        }

        var properties = item.EnumerateObject().ToArray();
        if (properties.Length != 1 || properties[0].Value.ValueKind != JsonValueKind.String)
        {
            report.Invalid(field, $"must have exactly one of exact, prefix or regex, as a string; {LeftOut}");
            return false;
        }

        type = properties[0].Name;
        value = properties[0].Value.GetString()!;
        return true;
    }
}
