using System.Collections.Immutable;
using Gateway.Model.Validation;

namespace Gateway.Model.Store;

/// <summary>
/// Validates the <see cref="SourceSnapshot.Parts"/> of one source's snapshots and leaves the invalid ones out of its model,
/// with their problems as warnings. Results are kept per part: a source that rebuilds only what changed hands back the
/// same part objects, and those are not validated again.
/// </summary>
internal sealed class ModelParts(ValidationCache validated)
{
    private Dictionary<ModelPart, ImmutableArray<ModelProblem>> _checked = new(ReferenceEqualityComparer.Instance);

    /// <summary>The snapshot without its invalid parts; the snapshot itself when every part is valid.</summary>
    public SourceSnapshot Admit(SourceSnapshot snapshot)
    {
        if (snapshot.Parts.IsEmpty)
        {
            _checked.Clear();
            return snapshot;
        }

        var results = new Dictionary<ModelPart, ImmutableArray<ModelProblem>>(snapshot.Parts.Length, ReferenceEqualityComparer.Instance);
        List<(ModelPart Part, ImmutableArray<ModelProblem> Problems)>? invalid = null;
        foreach (var part in snapshot.Parts)
        {
            if (!_checked.TryGetValue(part, out var problems))
            {
                problems = Validate(part);
                if (!problems.IsEmpty)
                {
                    part.LeftOut?.Invoke(problems);
                }
            }

            results[part] = problems;
            if (!problems.IsEmpty)
            {
                (invalid ??= []).Add((part, problems));
            }
        }

        _checked = results;
        return invalid is null ? snapshot : LeaveOut(snapshot, invalid);
    }

    /// <summary>
    /// The problems of routes with the backends and rate-limit policies they bring, checked on their own. Auth policies,
    /// and token budgets the part does not bring, are declared by other sources, so the merged model's validation reports
    /// unknown ones; a route without any is checked as itself, so the merged model's validation finds it in the store's <see cref="ValidationCache"/> instead
    /// of checking every route twice. Sources that still check while building pass no cache.
    /// </summary>
    public static List<ModelProblem> Check(IEnumerable<RouteModel> routes, IEnumerable<BackendModel> backends, IEnumerable<RateLimitPolicy> rateLimitPolicies, ValidationCache? validated = null)
    {
        var policies = ImmutableDictionary.CreateBuilder<string, RateLimitPolicy>(StringComparer.Ordinal);
        foreach (var policy in rateLimitPolicies)
        {
            policies[policy.Name] = policy;
        }

        var checkedRoutes = ImmutableArray.CreateBuilder<RouteModel>();
        foreach (var route in routes)
        {
            // A token budget the part does not bring is a configured one (a Service's token-limit-policy), checked like auth policies.
            var external = route.TokenLimitPolicy is { } budget && !policies.ContainsKey(budget);
            checkedRoutes.Add(route.AuthPolicies.IsEmpty && !external ? route
                : route with { AuthPolicies = [], TokenLimitPolicy = external ? null : route.TokenLimitPolicy });
        }

        var backendMap = ImmutableDictionary.CreateBuilder<string, BackendModel>(StringComparer.Ordinal);
        foreach (var backend in backends)
        {
            backendMap[backend.Name] = backend;
        }

        return ModelValidator.Validate(
            new GatewayModel
            {
                Routes = checkedRoutes.ToImmutable(),
                Backends = backendMap.ToImmutable(),
                RateLimitPolicies = policies.ToImmutable(),
            },
            validated);
    }

    private ImmutableArray<ModelProblem> Validate(ModelPart part) =>
        [.. Check(part.Routes, part.Backends, part.RateLimitPolicies, validated).Select(part.Explain)];

    /// <summary>
    /// The model without the invalid parts' routes, and without their backends and policies unless a valid part brings
    /// the same one (two Ingresses may proxy to one Service port).
    /// </summary>
    private static SourceSnapshot LeaveOut(SourceSnapshot snapshot, List<(ModelPart Part, ImmutableArray<ModelProblem> Problems)> invalid)
    {
        var dropped = new HashSet<ModelPart>(ReferenceEqualityComparer.Instance);
        var routes = new HashSet<RouteModel>(ReferenceEqualityComparer.Instance);
        foreach (var (part, _) in invalid)
        {
            dropped.Add(part);
            routes.UnionWith(part.Routes);
        }

        var keptBackends = new HashSet<string>(StringComparer.Ordinal);
        var keptPolicies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in snapshot.Parts)
        {
            if (!dropped.Contains(part))
            {
                keptBackends.UnionWith(part.Backends.Select(b => b.Name));
                keptPolicies.UnionWith(part.RateLimitPolicies.Select(p => p.Name));
            }
        }

        var model = snapshot.Model;
        var backends = model.Backends.ToBuilder();
        var policies = model.RateLimitPolicies.ToBuilder();
        foreach (var (part, _) in invalid)
        {
            backends.RemoveRange(part.Backends.Select(b => b.Name).Where(name => !keptBackends.Contains(name)));
            policies.RemoveRange(part.RateLimitPolicies.Select(p => p.Name).Where(name => !keptPolicies.Contains(name)));
        }

        return snapshot with
        {
            Model = model with
            {
                Routes = [.. model.Routes.Where(r => !routes.Contains(r))],
                Backends = backends.ToImmutable(),
                RateLimitPolicies = policies.ToImmutable(),
            },
            Parts = [.. snapshot.Parts.Where(p => !dropped.Contains(p))],
            Warnings = [.. snapshot.Warnings, .. invalid.SelectMany(i => i.Problems)],
        };
    }
}
