using Gateway.Model;

namespace Gateway.Auth;

/// <summary>A route's authentication, built once per configuration: the policies of which one must pass, and the headers to clear first.</summary>
internal sealed class RouteAuth
{
    public RouteAuth(string routeName, IAuthenticator[] authenticators, AuthPolicy[] policies)
    {
        RouteName = routeName;
        Authenticators = authenticators;
        Policies = policies;
        PolicyLabel = string.Join('|', policies.Select(p => p.Name));
        var headers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var policy in policies)
        {
            foreach (var name in (string[])[policy.Headers.Subject, policy.Headers.KeyId, policy.Headers.Tenant, policy.Headers.Plan])
            {
                if (name.Length > 0)
                {
                    headers.Add(name);
                }
            }
        }

        IdentityHeaderNames = [.. headers];
    }

    public string RouteName { get; }

    /// <summary>Tried in declaration order; the first that allows the request wins.</summary>
    public IAuthenticator[] Authenticators { get; }

    /// <summary>The policy of each authenticator, same index.</summary>
    public AuthPolicy[] Policies { get; }

    /// <summary>The route's policy names, for metrics when no single policy decided.</summary>
    public string PolicyLabel { get; }

    /// <summary>Every identity header any of the route's policies sets; a client's copies are removed before auth runs.</summary>
    public string[] IdentityHeaderNames { get; }
}
