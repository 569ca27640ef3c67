using System.Runtime.CompilerServices;

namespace Gateway.Model;

/// <summary>
/// Checks a whole model and returns every problem, each naming its object and field, so a user fixes them all in one go.
/// A model with problems is never served.
/// </summary>
internal static class ModelValidator
{
    private static readonly HashSet<int> RedirectStatusCodes = [301, 302, 303, 307, 308];

    // Gateway API's limit; it also keeps the sum of a route's weights far from overflowing.
    private const int MaxWeight = 1_000_000;

    // Routes and backends found clean, by reference: records are immutable and sources hand the unchanged ones back
    // across rebuilds, so with thousands of discovered Services a change re-checks only what changed. Entries live as
    // long as their record.
    private static readonly ConditionalWeakTable<RouteModel, object> CleanRoutes = [];
    private static readonly ConditionalWeakTable<BackendModel, object> CleanBackends = [];
    private static readonly object Clean = new();

    public static List<ModelProblem> Validate(GatewayModel model)
    {
        var problems = new List<ModelProblem>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in model.Routes)
        {
            if (!names.Add(route.Name))
            {
                problems.Add(new ModelProblem(route.Source, $"route '{route.Name}'", "Name", "is used by another route; route names must be unique"));
            }

            if (CleanRoutes.TryGetValue(route, out _) && ReferencesResolve(route, model))
            {
                continue;
            }

            var before = problems.Count;
            ValidateRoute(route, model, problems);
            if (problems.Count == before)
            {
                CleanRoutes.AddOrUpdate(route, Clean);
            }
        }

        foreach (var backend in model.Backends.Values)
        {
            if (CleanBackends.TryGetValue(backend, out _))
            {
                continue;
            }

            var before = problems.Count;
            ValidateBackend(backend, problems);
            ResilienceValidator.ValidateBackend(backend, problems);
            if (problems.Count == before)
            {
                CleanBackends.AddOrUpdate(backend, Clean);
            }
        }

        foreach (var policy in model.RateLimitPolicies.Values)
        {
            RateLimitPolicyValidator.Validate(policy, problems);
        }

        foreach (var policy in model.AuthPolicies.Values)
        {
            AuthPolicyValidator.Validate(policy, problems);
        }

        return problems;
    }

    /// <summary>
    /// Whether every name a clean route looks up in the rest of the model is still defined: the only checks of
    /// <see cref="ValidateRoute"/> that depend on more than the route itself. Keep the two in step.
    /// </summary>
    private static bool ReferencesResolve(RouteModel route, GatewayModel model)
    {
        foreach (var backendRef in route.Backends)
        {
            if (!model.Backends.ContainsKey(backendRef.Name))
            {
                return false;
            }
        }

        foreach (var mirror in route.Filters.Mirrors)
        {
            if (!model.Backends.ContainsKey(mirror.Backend))
            {
                return false;
            }
        }

        foreach (var policy in route.AuthPolicies)
        {
            if (!string.Equals(policy, AuthPolicy.None, StringComparison.OrdinalIgnoreCase) && !model.AuthPolicies.ContainsKey(policy))
            {
                return false;
            }
        }

        return route.RateLimitPolicy is not { } rateLimit || model.RateLimitPolicies.ContainsKey(rateLimit);
    }

    private static void ValidateRoute(RouteModel route, GatewayModel model, List<ModelProblem> problems)
    {
        var obj = $"route '{route.Name}'";
        void Problem(string field, string message) => problems.Add(new ModelProblem(route.Source, obj, field, message));

        for (var i = 0; i < route.Hostnames.Length; i++)
        {
            if (!IsValidHostname(route.Hostnames[i]))
            {
                Problem($"Hostnames[{i}]", $"'{route.Hostnames[i]}' is not a hostname; use a DNS name such as api.example.com or a wildcard such as *.example.com, without scheme or port");
            }
        }

        for (var i = 0; i < route.Matches.Length; i++)
        {
            ValidateMatch(route.Matches[i], $"Matches[{i}]", Problem);
        }

        var filters = route.Filters;
        if (filters.UrlRewrite?.Path is { } rewrite)
        {
            ValidatePathRewrite(rewrite, route, "Filters.UrlRewrite.Path", Problem);
        }

        if (filters.UrlRewrite?.Hostname is { } rewriteHost && (rewriteHost.StartsWith('*') || !IsValidHostname(rewriteHost)))
        {
            Problem("Filters.UrlRewrite.Hostname", $"'{rewriteHost}' is not a hostname");
        }

        ValidateRanges(filters.AllowSources, "Filters.AllowSources", Problem);
        ValidateRanges(filters.DenySources, "Filters.DenySources", Problem);
        ValidateHeaders(filters.RequestHeaders, "Filters.RequestHeaders", Problem);
        ValidateHeaders(filters.ResponseHeaders, "Filters.ResponseHeaders", Problem);

        if (filters.Redirect is { } redirect)
        {
            ValidateRedirect(redirect, route, Problem);
            if (filters.UrlRewrite is not null)
            {
                Problem("Filters", "Redirect and UrlRewrite cannot be combined: a redirected request is never forwarded");
            }

            if (!route.Backends.IsEmpty)
            {
                Problem("Backends", "must be empty on a route with a Redirect filter: a redirected request is never forwarded");
            }
        }
        else if (filters.DirectResponse is { } direct)
        {
            ValidateDirectResponse(direct, route, Problem);
        }
        else if (route.Backends.IsEmpty)
        {
            Problem("Backends", "is required: name at least one backend from 'Backends' (or add a Redirect filter)");
        }

        for (var i = 0; i < route.Backends.Length; i++)
        {
            var backendRef = route.Backends[i];
            if (backendRef.Weight < 0)
            {
                Problem($"Backends[{i}].Weight", $"is {backendRef.Weight}; weights must be 0 or more");
            }
            else if (backendRef.Weight > MaxWeight)
            {
                Problem($"Backends[{i}].Weight", $"is {backendRef.Weight}; weights must be at most {MaxWeight}");
            }

            if (string.IsNullOrEmpty(backendRef.Name))
            {
                Problem($"Backends[{i}].Name", "is required");
            }
            else if (!model.Backends.ContainsKey(backendRef.Name))
            {
                Problem($"Backends[{i}].Name", $"backend '{backendRef.Name}' is not defined; defined backends: {DefinedBackends(model)}");
            }
        }

        for (var i = 0; i < route.Filters.Mirrors.Length; i++)
        {
            var mirror = route.Filters.Mirrors[i];
            if (!model.Backends.ContainsKey(mirror.Backend))
            {
                Problem($"Filters.Mirrors[{i}].Backend", $"backend '{mirror.Backend}' is not defined; defined backends: {DefinedBackends(model)}");
            }

            if (mirror.Percent is < 0 or > 100 || double.IsNaN(mirror.Percent))
            {
                Problem($"Filters.Mirrors[{i}].Percent", $"is {mirror.Percent}; it must be between 0 and 100");
            }
        }

        if (route.Cors is { AllowOrigins.IsEmpty: true })
        {
            Problem("Cors.AllowOrigins", "must name at least one origin (or '*')");
        }

        if (route.MaxConcurrentRequestsPerClient is < 1)
        {
            Problem("MaxConcurrentRequestsPerClient", "must be 1 or more");
        }

        if (filters.Fault is { } fault)
        {
            ValidateFault(fault, Problem);
        }

        if (route.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            Problem("Timeout", "must be greater than zero");
        }

        if (route.RateLimitPolicy is { } policy && !model.RateLimitPolicies.ContainsKey(policy))
        {
            var defined = model.RateLimitPolicies.IsEmpty ? "(none)" : string.Join(", ", model.RateLimitPolicies.Keys.Order(StringComparer.Ordinal));
            Problem("RateLimitPolicy", $"policy '{policy}' is not defined in 'RateLimitPolicies'; defined policies: {defined}");
        }

        if (route.Canary is { } canary)
        {
            ValidateCanary(canary, route, Problem);
        }

        ResilienceValidator.ValidateRoute(route, Problem);
        AuthPolicyValidator.ValidateRoute(route, model, problems);
    }

    private static void ValidateCanary(CanaryPolicy canary, RouteModel route, Action<string, string> problem)
    {
        if (route.Filters.Redirect is not null)
        {
            problem("Canary", "cannot be used on a route with a Redirect filter: a redirected request is never forwarded");
        }

        if (canary.Backend is { } backend)
        {
            if (!route.Backends.Any(b => b.Name == backend))
            {
                problem("Canary.Backend", $"'{backend}' is not one of this route's Backends ({string.Join(", ", route.Backends.Select(b => b.Name))})");
            }
            else if (route.Backends.All(b => b.Name == backend))
            {
                problem("Canary.Backend", $"'{backend}' is the route's only backend; add the stable backend to Backends");
            }
        }
        else if (canary.Header is not null || canary.Cookie is not null)
        {
            problem("Canary.Backend", "is required with Canary.Header or Canary.Cookie: it names the backend that 'always' selects");
        }

        ValidateHeaderName(canary.Header, "Canary.Header", problem);
        ValidateHeaderName(canary.StickyHeader, "Canary.StickyHeader", problem);
        ValidateHeaderName(canary.Cookie, "Canary.Cookie", problem);
        ValidateHeaderName(canary.StickyCookie, "Canary.StickyCookie", problem);
        if ((canary.HeaderValue is not null || canary.HeaderPattern is not null) && canary.Header is null)
        {
            problem(canary.HeaderValue is not null ? "Canary.HeaderValue" : "Canary.HeaderPattern", "needs Canary.Header, the header whose value is compared");
        }

        if (canary.HeaderValue is not null && canary.HeaderPattern is not null)
        {
            problem("Canary.HeaderPattern", "cannot be combined with Canary.HeaderValue; use one of them");
        }

        if (canary.HeaderValue is { Length: 0 })
        {
            problem("Canary.HeaderValue", "is empty; give the value that selects the canary, or remove it to use 'always'/'never'");
        }

        if (canary.HeaderPattern is { } pattern)
        {
            ValidateRegex(pattern, "Canary.HeaderPattern", problem);
        }

        if (canary.StickyHeader is not null && canary.StickyCookie is not null)
        {
            problem("Canary.StickyCookie", "cannot be combined with Canary.StickyHeader; name one sticky key");
        }
    }

    // Cookie names are tokens too (RFC 6265).
    private static void ValidateHeaderName(string? name, string field, Action<string, string> problem)
    {
        if (name is not null && !IsToken(name))
        {
            problem(field, $"'{name}' is not a valid {(field.Contains("Cookie", StringComparison.Ordinal) ? "cookie" : "header")} name");
        }
    }

    private static string DefinedBackends(GatewayModel model) =>
        model.Backends.IsEmpty ? "(none)" : string.Join(", ", model.Backends.Keys.Order(StringComparer.Ordinal));

    private static void ValidateMatch(RouteMatch match, string field, Action<string, string> problem)
    {
        var path = match.Path;
        if (path.Type == PathMatchType.RegularExpression)
        {
            ValidateRegex(path.Value, $"{field}.Path.Value", problem);
        }
        else if (ValidatePath(path.Value) is { } pathError)
        {
            problem($"{field}.Path.Value", pathError);
        }

        if (match.Method is { } method && !IsToken(method))
        {
            problem($"{field}.Method", $"'{method}' is not an HTTP method");
        }

        ValidateValueMatches(match.Headers, $"{field}.Headers", isHeader: true, problem);
        ValidateValueMatches(match.QueryParameters, $"{field}.QueryParameters", isHeader: false, problem);
    }

    private static void ValidateValueMatches(IReadOnlyList<ValueMatch> matches, string field, bool isHeader, Action<string, string> problem)
    {
        for (var i = 0; i < matches.Count; i++)
        {
            var match = matches[i];
            if (string.IsNullOrEmpty(match.Name) || (isHeader && !IsToken(match.Name)))
            {
                problem($"{field}[{i}].Name", $"'{match.Name}' is not a valid {(isHeader ? "header" : "query parameter")} name");
            }

            if (match.Type == ValueMatchType.RegularExpression)
            {
                ValidateRegex(match.Value, $"{field}[{i}].Value", problem);
            }
        }
    }

    private static void ValidatePathRewrite(PathRewrite rewrite, RouteModel route, string field, Action<string, string> problem)
    {
        // A substitution may start with a capture ("$1"); the transform makes the result absolute.
        var value = rewrite.Type == PathRewriteType.RegexSubstitution && rewrite.Value.StartsWith('$') ? "/" + rewrite.Value : rewrite.Value;
        if (ValidatePath(value) is { } error)
        {
            problem($"{field}.Value", error);
        }

        if (rewrite.Type == PathRewriteType.RegexSubstitution)
        {
            for (var i = 0; i < route.Matches.Length; i++)
            {
                var match = route.Matches[i].Path;
                if (match.Type != PathMatchType.RegularExpression)
                {
                    problem($"{field}.Type", $"RegexSubstitution needs a RegularExpression match, but Matches[{i}] is {match.Type}");
                }
                else if (IsValidRegex(match.Value) && Proxy.RewriteTemplate.Parse(rewrite.Value).HighestGroup > Proxy.RouteRuntime.FullMatch(match.Value).GetGroupNumbers().Max())
                {
                    problem($"{field}.Value", $"'{rewrite.Value}' uses a group that Matches[{i}] '{match.Value}' does not capture");
                }
            }
        }

        if (rewrite.Type == PathRewriteType.ReplacePrefixMatch)
        {
            for (var i = 0; i < route.Matches.Length; i++)
            {
                if (route.Matches[i].Path.Type != PathMatchType.PathPrefix)
                {
                    problem($"{field}.Type", $"ReplacePrefixMatch needs a PathPrefix match, but Matches[{i}] is {route.Matches[i].Path.Type}");
                }
            }
        }
    }

    private static void ValidateDirectResponse(DirectResponse direct, RouteModel route, Action<string, string> problem)
    {
        if (direct.StatusCode is < 200 or > 599)
        {
            problem("Filters.DirectResponse.StatusCode", $"{direct.StatusCode} is not a response status (200-599)");
        }

        if (!route.Backends.IsEmpty || route.Filters.UrlRewrite is not null)
        {
            problem("Filters.DirectResponse", "cannot be combined with Backends or UrlRewrite: a request answered directly is never forwarded");
        }
    }

    private static void ValidateFault(FaultInjection fault, Action<string, string> problem)
    {
        if (fault.Delay is { } delay && delay <= TimeSpan.Zero)
        {
            problem("Filters.Fault.Delay", "must be greater than zero");
        }

        if (fault.AbortStatus is { } status && status is < 200 or > 599)
        {
            problem("Filters.Fault.AbortStatus", $"{status} is not a response status (200-599)");
        }

        if (fault.DelayPercent is < 0 or > 100 || double.IsNaN(fault.DelayPercent))
        {
            problem("Filters.Fault.DelayPercent", $"{fault.DelayPercent} is not a percentage (0-100)");
        }

        if (fault.AbortPercent is < 0 or > 100 || double.IsNaN(fault.AbortPercent))
        {
            problem("Filters.Fault.AbortPercent", $"{fault.AbortPercent} is not a percentage (0-100)");
        }
    }

    private static void ValidateRedirect(RequestRedirect redirect, RouteModel route, Action<string, string> problem)
    {
        if (redirect.Scheme is { } scheme && scheme is not ("http" or "https"))
        {
            problem("Filters.Redirect.Scheme", $"'{scheme}' is not http or https");
        }

        if (redirect.Hostname is { } host && (host.StartsWith('*') || !IsValidHostname(host)))
        {
            problem("Filters.Redirect.Hostname", $"'{host}' is not a hostname");
        }

        if (redirect.Port is { } port && port is < 1 or > 65535)
        {
            problem("Filters.Redirect.Port", $"{port} is not a port (1-65535)");
        }

        if (!RedirectStatusCodes.Contains(redirect.StatusCode))
        {
            problem("Filters.Redirect.StatusCode", $"{redirect.StatusCode} is not a redirect status; use 301, 302, 303, 307 or 308");
        }

        if (redirect.Path is { } path)
        {
            ValidatePathRewrite(path, route, "Filters.Redirect.Path", problem);
        }
    }

    private static void ValidateHeaders(HeaderModifier? modifier, string field, Action<string, string> problem)
    {
        if (modifier is null)
        {
            return;
        }

        foreach (var (name, value) in modifier.Set.Concat(modifier.Add))
        {
            if (!IsToken(name))
            {
                problem($"{field}.{name}", "is not a valid header name");
            }

            if (value.Any(c => c is '\r' or '\n' or '\0'))
            {
                problem($"{field}.{name}", "a header value cannot contain CR, LF or NUL");
            }
        }

        foreach (var name in modifier.Remove)
        {
            if (!IsToken(name))
            {
                problem($"{field}.Remove", $"'{name}' is not a valid header name");
            }
        }
    }

    private static void ValidateBackend(BackendModel backend, List<ModelProblem> problems)
    {
        var obj = $"backend '{backend.Name}'";
        for (var i = 0; i < backend.Endpoints.Length; i++)
        {
            var endpoint = backend.Endpoints[i];
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                problems.Add(new ModelProblem(backend.Source, obj, $"Endpoints[{i}]", $"'{endpoint}' is not an absolute http:// or https:// address such as http://10.0.0.7:8080"));
            }
        }
    }

    /// <summary>Null when <paramref name="path"/> can be matched and forwarded; otherwise why not.</summary>
    private static string? ValidatePath(string path)
    {
        if (path.Length == 0)
        {
            return "is empty; a path must start with '/' (use '/' to match everything)";
        }

        if (path[0] != '/')
        {
            return $"'{path}' must start with '/'";
        }

        if (path.Contains("//", StringComparison.Ordinal))
        {
            return $"'{path}' contains an empty segment '//'";
        }

        if (path.IndexOfAny(['?', '#', ' ', '\t', '\r', '\n']) >= 0)
        {
            return $"'{path}' contains a character not allowed in a path ('?', '#' or white space)";
        }

        return null;
    }

    private static void ValidateRanges(System.Collections.Immutable.ImmutableArray<string> ranges, string field, Action<string, string> problem)
    {
        if (!ranges.IsEmpty && !Proxy.AddressRanges.TryParse(ranges, out _, out var error))
        {
            problem(field, error);
        }
    }

    private static bool IsValidRegex(string pattern)
    {
        var valid = true;
        ValidateRegex(pattern, "", (_, _) => valid = false);
        return valid;
    }

    private static void ValidateRegex(string pattern, string field, Action<string, string> problem)
    {
        if (pattern.Length == 0)
        {
            problem(field, "is an empty regular expression");
            return;
        }

        try
        {
            _ = Proxy.RouteRuntime.FullMatch(pattern);
        }
        catch (ArgumentException ex)
        {
            problem(field, $"'{pattern}' is not a valid regular expression: {ex.Message}");
        }
        catch (NotSupportedException ex)
        {
            problem(field, $"'{pattern}' uses a construct the gateway does not support (backreferences and lookarounds are refused so matching stays linear): {ex.Message}");
        }
    }

    private static bool IsValidHostname(string host)
    {
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        return name.Length is > 0 and <= 253
            && Uri.CheckHostName(name) == UriHostNameType.Dns
            && !name.Contains('*');
    }

    // RFC 9110 token characters.
    private static bool IsToken(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}
