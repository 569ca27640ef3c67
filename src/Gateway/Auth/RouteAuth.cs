using Gateway.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

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
        var credentialHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var credentialQuery = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            if (policy.Jwt is not null || policy.ApiKey is { Bearer: true })
            {
                credentialHeaders.Add(HeaderNames.Authorization);
            }

            if (policy.ApiKey is { } apiKey)
            {
                if (apiKey.Header.Length > 0)
                {
                    credentialHeaders.Add(apiKey.Header);
                }

                if (apiKey.QueryParameter is { } parameter)
                {
                    credentialQuery.Add(parameter);
                }
            }

            foreach (var name in (string[])[policy.Headers.Subject, policy.Headers.KeyId, policy.Headers.Tenant, policy.Headers.Plan])
            {
                if (name.Length > 0)
                {
                    headers.Add(name);
                }
            }
        }

        IdentityHeaderNames = [.. headers];
        CredentialHeaders = [.. credentialHeaders];
        CredentialQueryParameters = [.. credentialQuery];
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

    /// <summary>Every header any of the route's policies reads a credential from.</summary>
    public string[] CredentialHeaders { get; }

    /// <summary>Every query parameter any of the route's policies reads a credential from (parameter names are case-sensitive).</summary>
    public string[] CredentialQueryParameters { get; }

    /// <summary>
    /// The header or query parameter that carries a credential more than once, or null. Such a request is refused rather
    /// than authenticated by its first value: a backend or another proxy may read the other one.
    /// </summary>
    public string? FindRepeatedCredential(HttpRequest request)
    {
        foreach (var name in CredentialHeaders)
        {
            if (request.Headers[name].Count > 1)
            {
                return name;
            }
        }

        foreach (var name in CredentialQueryParameters)
        {
            if (request.Query[name].Count > 1)
            {
                return name;
            }
        }

        return null;
    }
}
