using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model;
using Gateway.Sources.Kubernetes.Annotations;
using k8s.Models;
using static Gateway.Sources.Kubernetes.Annotations.MlGatewayAnnotations;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Reads the <c>mlgateway.io/*</c> annotations of a Service. A value that cannot be honoured is a problem naming the
/// Service and the annotation, and the Service is left out; annotations this build does not implement yet are reported
/// as warnings, never silently ignored.
/// </summary>
internal static class ServiceAnnotations
{
    public static string Object(V1Service service) => $"Service '{service.Metadata.NamespaceProperty}/{service.Metadata.Name}'";

    /// <summary>The exposure, or null when an annotation is invalid (then <paramref name="problems"/> says which).</summary>
    /// <param name="problems">Errors that exclude the Service.</param>
    /// <param name="warnings">Things reported while the Service is still served.</param>
    public static ServiceExposure? Parse(V1Service service, string source, List<ModelProblem> problems, List<ModelProblem> warnings)
    {
        var annotations = service.Metadata.Annotations ?? new Dictionary<string, string>();
        var obj = Object(service);
        var errorCount = problems.Count;
        void Problem(string annotation, string message) => problems.Add(new ModelProblem(source, obj, Field(annotation), message));
        string? Get(string annotation) => annotations.TryGetValue(annotation, out var value) ? value.Trim() : null;

        foreach (var key in annotations.Keys)
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!KnownAnnotations.Service.Contains(key))
            {
                warnings.Add(new ModelProblem(source, obj, Field(key), $"is not a gateway annotation and is ignored; known annotations: {string.Join(", ", KnownAnnotations.Service)}"));
            }
        }

        var path = Get(PathPrefix) ?? "/" + service.Metadata.Name;
        if (!path.StartsWith('/'))
        {
            Problem(PathPrefix, $"'{path}' must start with '/', e.g. /{service.Metadata.Name}");
        }

        var strip = true;
        if (Get(StripPrefix) is { } stripText && !bool.TryParse(stripText, out strip))
        {
            Problem(StripPrefix, $"'{stripText}' must be \"true\" or \"false\"");
        }

        var host = Get(MlGatewayAnnotations.Host);
        if (host is { Length: 0 })
        {
            Problem(MlGatewayAnnotations.Host, "must not be empty; remove the annotation to accept any host");
        }

        var port = Get(Port);
        if (port is { Length: 0 })
        {
            Problem(Port, "must name a Service port by name or number");
        }

        var canaryOf = Get(CanaryOf);
        var weight = 0;
        if (canaryOf is not null && !KubernetesNames.IsDnsLabel(canaryOf))
        {
            Problem(CanaryOf, $"'{canaryOf}' is not a Service name");
        }
        else if (canaryOf == service.Metadata.Name)
        {
            Problem(CanaryOf, "names the Service itself; name the stable Service this one is a canary of");
        }

        var rollout = RolloutAnnotations.Read(Get, Problem);
        if (rollout is not null && canaryOf is null)
        {
            Problem(RolloutSteps, $"rollout annotations belong on a canary Service, next to {CanaryOf}");
        }

        if (Get(CanaryWeight) is { } weightText)
        {
            if (!int.TryParse(weightText, NumberStyles.None, CultureInfo.InvariantCulture, out weight) || weight > 100)
            {
                Problem(CanaryWeight, $"'{weightText}' must be a whole number from 0 to 100 (the percentage of requests sent to this canary)");
            }
            else if (canaryOf is null)
            {
                Problem(CanaryWeight, $"needs {CanaryOf} naming the stable Service");
            }
        }
        else if (canaryOf is not null && rollout is null)
        {
            Problem(CanaryWeight, $"is required with {CanaryOf} (unless a rollout steps it): the percentage (0-100) of requests sent to this canary");
        }

        var canaryHeader = Get(CanaryHeader);
        var canaryHeaderValue = Get(CanaryHeaderValue);
        var canaryCookie = Get(CanaryCookie);
        if ((canaryHeader ?? canaryCookie) is not null && canaryOf is null)
        {
            Problem(canaryHeader is not null ? CanaryHeader : CanaryCookie, $"belongs on a canary Service, next to {CanaryOf}");
        }

        if (canaryHeaderValue is not null && canaryHeader is null)
        {
            Problem(CanaryHeaderValue, $"needs {CanaryHeader}, the header whose value selects the canary");
        }

        var authPolicies = ImmutableArray<string>.Empty;
        if (Get(MlGatewayAnnotations.AuthPolicy) is { } authText)
        {
            if (canaryOf is not null)
            {
                warnings.Add(new ModelProblem(source, obj, Field(MlGatewayAnnotations.AuthPolicy), $"is ignored on a canary Service: its requests come through the route of '{canaryOf}', so set it there"));
            }
            else if (ReadAuthPolicies(authText, out var authError) is { } names)
            {
                authPolicies = names;
            }
            else
            {
                Problem(MlGatewayAnnotations.AuthPolicy, authError!);
            }
        }

        var (model, modelCanary) = ReadModel(Get, Problem, canaryOf, warnings, source, obj);
        var backend = ReadBackendSettings(Get, Problem);
        var rateLimit = ReadRateLimit(Get(RateLimit), Get(RateLimitBurst), Get(RateLimitKey), $"service/{service.Metadata.NamespaceProperty}/{service.Metadata.Name}", source, Problem);
        var tokenLimit = TokenLimitAnnotations.Read(Get, $"service/{service.Metadata.NamespaceProperty}/{service.Metadata.Name}/tokens", source, Problem, out var tokenLimitPolicy);

        if (problems.Count > errorCount)
        {
            return null;
        }

        return new ServiceExposure
        {
            Namespace = service.Metadata.NamespaceProperty,
            Name = service.Metadata.Name,
            PathPrefix = path,
            StripPrefix = strip,
            Host = host,
            Port = port,
            CanaryOf = canaryOf,
            CanaryWeight = weight,
            CanaryHeader = canaryHeader,
            CanaryHeaderValue = canaryHeaderValue,
            CanaryCookie = canaryCookie,
            Rollout = rollout,
            RateLimit = rateLimit,
            TokenLimit = tokenLimit,
            TokenLimitPolicy = tokenLimitPolicy,
            Backend = backend,
            AuthPolicies = authPolicies,
            Model = model,
            ModelCanary = modelCanary,
        };
    }

    /// <summary>
    /// The public model and its variants. The names and weights are checked again, with every other route's, by the model
    /// validator; here only what the annotations' own syntax gets wrong.
    /// </summary>
    private static (string? Model, ModelCanaryPolicy? Canary) ReadModel(
        Func<string, string?> get, Action<string, string> problem, string? canaryOf, List<ModelProblem> warnings, string source, string obj)
    {
        var model = get(MlGatewayAnnotations.Model);
        var variantsText = get(ModelVariants);
        var sticky = get(ModelStickyHeader);
        if (canaryOf is not null)
        {
            foreach (var annotation in (string[])[MlGatewayAnnotations.Model, ModelVariants, ModelStickyHeader])
            {
                if (get(annotation) is not null)
                {
                    warnings.Add(new ModelProblem(source, obj, Field(annotation), $"is ignored on a canary Service: its requests come through the route of '{canaryOf}', so set it there"));
                }
            }

            return (null, null);
        }

        if (model is { Length: 0 })
        {
            problem(MlGatewayAnnotations.Model, "must not be empty; remove the annotation to serve any model");
        }

        if (sticky is not null && variantsText is null)
        {
            problem(ModelStickyHeader, $"needs {ModelVariants}, the models a caller is kept on");
        }

        if (variantsText is null)
        {
            return (model, null);
        }

        var variants = ImmutableArray.CreateBuilder<ModelVariant>();
        foreach (var pair in variantsText.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = pair.LastIndexOf('=');
            if (equals <= 0 || !int.TryParse(pair.AsSpan(equals + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var weight))
            {
                problem(ModelVariants, $"'{pair}' is not name=weight with a whole number of 0 or more; write e.g. \"llama-3.1-8b=90,llama-3.2-8b=10\"");
                continue;
            }

            variants.Add(new ModelVariant(pair[..equals].Trim(), weight));
        }

        return (model, new ModelCanaryPolicy { Variants = variants.ToImmutable(), StickyHeader = sticky });
    }

    /// <summary>
    /// The policy names of an <see cref="AuthPolicy"/> annotation (empty for <c>none</c>), or null with
    /// <paramref name="error"/> saying what is wrong. Whether the policies exist is checked on the merged model.
    /// </summary>
    public static ImmutableArray<string>? ReadAuthPolicies(string text, out string? error)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (name.Length == 0)
            {
                error = $"'{text}' has an empty policy name; list policy names separated by commas, e.g. \"partner-keys,employees\"";
                return null;
            }

            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                error = $"'{name}' is not a policy name (letters, digits, '-', '_' and '.')";
                return null;
            }
        }

        var none = Array.FindIndex(names, n => string.Equals(n, Model.AuthPolicy.None, StringComparison.OrdinalIgnoreCase));
        if (none >= 0 && names.Length > 1)
        {
            error = $"'{Model.AuthPolicy.None}' cannot be combined with other policies: any-of with an open door is open";
            return null;
        }

        error = null;
        return none >= 0 ? [] : [.. names.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Health checks (active when a path is given, passive when a failure count is), concurrency limit, connect timeout, failover and load balancing.</summary>
    private static BackendSettings ReadBackendSettings(Func<string, string?> get, Action<string, string> problem)
    {
        int? Count(string annotation)
        {
            if (get(annotation) is not { } text)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1)
            {
                return value;
            }

            problem(annotation, $"'{text}' must be a whole number, 1 or more");
            return null;
        }

        TimeSpan? Duration(string annotation)
        {
            if (get(annotation) is not { } text)
            {
                return null;
            }

            if (DurationParser.TryParse(text, out var value) && value > TimeSpan.Zero)
            {
                return value;
            }

            problem(annotation, $"'{text}' is not a duration such as 500ms, 5s or 1m");
            return null;
        }

        var path = get(HealthPath);
        if (path is not null && !path.StartsWith('/'))
        {
            problem(HealthPath, $"'{path}' must start with '/', e.g. /healthz");
        }

        var interval = Duration(HealthInterval);
        var timeout = Duration(HealthTimeout);
        var healthy = Count(HealthyThreshold);
        var unhealthy = Count(UnhealthyThreshold);
        var probeSetting = interval is not null ? HealthInterval
            : timeout is not null ? HealthTimeout
            : healthy is not null ? HealthyThreshold
            : unhealthy is not null ? UnhealthyThreshold
            : null;
        if (path is null && probeSetting is not null)
        {
            problem(probeSetting, $"needs {HealthPath}, the path that is probed");
        }

        var failures = Count(OutlierFailures);
        var ejection = Duration(OutlierEjection);
        if (ejection is not null && failures is null)
        {
            problem(OutlierEjection, $"needs {OutlierFailures}, how many failures in a row eject an endpoint");
        }

        var active = path is null ? null : new ActiveHealthCheck
        {
            Path = path,
            Interval = interval ?? ActiveHealthCheck.DefaultInterval,
            Timeout = timeout ?? ActiveHealthCheck.DefaultTimeout,
            HealthyThreshold = healthy ?? ActiveHealthCheck.DefaultHealthyThreshold,
            UnhealthyThreshold = unhealthy ?? ActiveHealthCheck.DefaultUnhealthyThreshold,
        };
        var passive = failures is null ? null : new PassiveHealthCheck
        {
            ConsecutiveFailures = failures.Value,
            EjectionPeriod = ejection ?? PassiveHealthCheck.DefaultEjectionPeriod,
        };
        var failover = true;
        if (get(MlGatewayAnnotations.ConnectFailover) is { } failoverText && !bool.TryParse(failoverText, out failover))
        {
            problem(MlGatewayAnnotations.ConnectFailover, $"'{failoverText}' must be \"true\" or \"false\"");
            failover = true;
        }

        return new BackendSettings
        {
            HealthCheck = active is null && passive is null ? null : new BackendHealthCheck { Active = active, Passive = passive },
            MaxConcurrentRequests = Count(MaxConcurrentRequests),
            ConnectTimeout = Duration(ConnectTimeout),
            ConnectFailover = failover ? Model.ConnectFailover.Default : null,
            LoadBalancing = ServiceLoadBalancingAnnotations.Read(get, problem),
        };
    }

    /// <summary>The route's limit policy, named after the Service; the rate limiter reads it like a configured policy.</summary>
    internal static RateLimitPolicy? ReadRateLimit(string? rate, string? burst, string? key, string name, string source, Action<string, string> problem)
    {
        if (rate is null)
        {
            if ((burst ?? key) is not null)
            {
                problem(burst is not null ? RateLimitBurst : RateLimitKey, $"needs {RateLimit}, e.g. \"30/m\"");
            }

            return null;
        }

        var valid = true;
        if (!IsRate(rate))
        {
            problem(RateLimit, $"'{rate}' is not a rate; write requests per second, minute or hour, e.g. \"10/s\" or \"30/m\"");
            valid = false;
        }

        int? burstSize = null;
        if (burst is not null)
        {
            if (!int.TryParse(burst, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                problem(RateLimitBurst, $"'{burst}' must be a whole number of requests, 1 or more");
                valid = false;
            }
            else
            {
                burstSize = parsed;
            }
        }

        if (key is not null && key != "ip" && !(key.StartsWith("header:", StringComparison.Ordinal) && key.Length > "header:".Length))
        {
            problem(RateLimitKey, $"'{key}' must be \"ip\" or \"header:<name>\", e.g. header:X-Api-Key");
            valid = false;
        }

        return valid
            ? new RateLimitPolicy { Name = name, Source = source, Rate = rate, Burst = burstSize, Key = key ?? RateLimitKeySpec.DefaultText }
            : null;
    }

    /// <summary>Whether <paramref name="text"/> is a count per second, minute or hour, e.g. <c>30/m</c>.</summary>
    internal static bool IsRate(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count > 0
            && text[(slash + 1)..] is "s" or "m" or "h";
    }
}
