using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>
/// Combines the models of all sources into one. Sources come lowest precedence first; a later source's route,
/// backend, rate-limit or auth policy replaces an earlier one of the same name (a route keeps its original place in
/// declaration order); TLS bindings and API-key grants of all sources are kept (grants are folded into their policies by
/// <see cref="ApiKeyGrants"/>).
/// </summary>
internal static class ModelMerger
{
    public static GatewayModel Merge(IEnumerable<GatewayModel> models)
    {
        var routes = new List<RouteModel>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var backends = ImmutableDictionary.CreateBuilder<string, BackendModel>(StringComparer.Ordinal);
        var policies = ImmutableDictionary.CreateBuilder<string, RateLimitPolicy>(StringComparer.Ordinal);
        var authPolicies = ImmutableDictionary.CreateBuilder<string, AuthPolicy>(StringComparer.Ordinal);
        var tlsBindings = ImmutableArray.CreateBuilder<TlsBinding>();
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

            foreach (var (name, backend) in model.Backends)
            {
                backends[name] = backend;
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
            grants.AddRange(model.ApiKeyGrants);
        }

        return new GatewayModel
        {
            Routes = [.. routes],
            Backends = backends.ToImmutable(),
            RateLimitPolicies = policies.ToImmutable(),
            AuthPolicies = authPolicies.ToImmutable(),
            TlsBindings = tlsBindings.ToImmutable(),
            ApiKeyGrants = grants.ToImmutable(),
        };
    }
}
