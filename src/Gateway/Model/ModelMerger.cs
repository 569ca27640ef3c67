using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>
/// Combines the models of all sources into one. Sources come lowest precedence first; a later source's route,
/// backend, rate-limit or auth policy replaces an earlier one of the same name (a route keeps its original place in
/// declaration order); TLS bindings, TLS certificates and API-key grants of all sources are kept (grants are folded into
/// their policies by <see cref="ApiKeyGrants"/>).
/// </summary>
internal static class ModelMerger
{
    public static GatewayModel Merge(IReadOnlyList<GatewayModel> models)
    {
        var routes = new List<RouteModel>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var backends = MergeBackends(models);
        var policies = ImmutableDictionary.CreateBuilder<string, RateLimitPolicy>(StringComparer.Ordinal);
        var authPolicies = ImmutableDictionary.CreateBuilder<string, AuthPolicy>(StringComparer.Ordinal);
        var tlsBindings = ImmutableArray.CreateBuilder<TlsBinding>();
        var certificates = ImmutableArray.CreateBuilder<TlsCertificate>();
        var tlsSecretsListed = false;
        var grants = ImmutableArray.CreateBuilder<ApiKeyGrant>();
        foreach (var model in models)
        {
            foreach (var route in model.Routes)
            {
                if (positions.TryGetValue(route.Name, out var position) && routes[position].Source != route.Source)
                {
                    routes[position] = route;
                }
                else
                {
                    positions.TryAdd(route.Name, routes.Count);
                    routes.Add(route);
                }
            }

            foreach (var (name, policy) in model.RateLimitPolicies)
            {
                policies[name] = policy;
            }

            foreach (var (name, policy) in model.AuthPolicies)
            {
                authPolicies[name] = policy;
            }

            tlsBindings.AddRange(model.TlsBindings);
            certificates.AddRange(model.TlsCertificates);
            tlsSecretsListed |= model.TlsSecretsListed;
            grants.AddRange(model.ApiKeyGrants);
        }

        return new GatewayModel
        {
            Routes = [.. routes],
            Backends = backends,
            RateLimitPolicies = policies.ToImmutable(),
            AuthPolicies = authPolicies.ToImmutable(),
            TlsBindings = tlsBindings.ToImmutable(),
            TlsCertificates = certificates.ToImmutable(),
            TlsSecretsListed = tlsSecretsListed,
            ApiKeyGrants = grants.ToImmutable(),
        };
    }

    /// <summary>
    /// The backends of all models, a later model's replacing an earlier one's of the same name. Starts from the largest
    /// map (thousands of discovered Services) and edits it, instead of copying it entry by entry on every change.
    /// </summary>
    private static ImmutableDictionary<string, BackendModel> MergeBackends(IReadOnlyList<GatewayModel> models)
    {
        var largest = -1;
        for (var i = 0; i < models.Count; i++)
        {
            if (models[i].Backends.KeyComparer == StringComparer.Ordinal && (largest < 0 || models[i].Backends.Count > models[largest].Backends.Count))
            {
                largest = i;
            }
        }

        var backends = largest < 0 ? ImmutableDictionary.CreateBuilder<string, BackendModel>(StringComparer.Ordinal) : models[largest].Backends.ToBuilder();
        for (var i = 0; i < models.Count; i++)
        {
            if (i == largest)
            {
                continue;
            }

            foreach (var (name, backend) in models[i].Backends)
            {
                // Models before the largest lose to it on shared names; models after it win.
                if (i > largest || !models[largest].Backends.ContainsKey(name))
                {
                    backends[name] = backend;
                }
            }
        }

        return backends.ToImmutable();
    }
}
