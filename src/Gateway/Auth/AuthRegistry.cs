using System.Collections.Concurrent;
using Gateway.Model;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gateway.Auth;

/// <summary>
/// Turns each applied model's auth policies into authenticators and publishes them through the routes'
/// <see cref="RouteAuthSlot"/>s. The configuration managers of OIDC providers (and the keys they hold) survive reloads
/// that do not change the provider, so a reload does not refetch keys.
/// </summary>
internal sealed class AuthRegistry(TimeProvider timeProvider, ILoggerFactory loggerFactory) : IModelStage, IDisposable
{
    private readonly ConcurrentDictionary<string, RouteAuthSlot> _slots = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ILogger _logger = loggerFactory.CreateLogger<DiscoveryRetriever>();
    private Dictionary<string, IConfigurationManager<OpenIdConnectConfiguration>> _providers = new(StringComparer.Ordinal);

    /// <summary>The model whose auth is in force.</summary>
    public GatewayModel Applied { get; private set; } = GatewayModel.Empty;

    /// <summary>The slot of the model route <paramref name="routeName"/>; the same object for the route's whole life.</summary>
    public RouteAuthSlot SlotFor(string routeName) => _slots.GetOrAdd(routeName, static _ => new RouteAuthSlot());

    /// <summary>What would stop <paramref name="model"/>'s policies from working: JWKS files that cannot be read.</summary>
    public IReadOnlyList<ModelProblem> Check(GatewayModel model)
    {
        var problems = new List<ModelProblem>();
        foreach (var policy in model.AuthPolicies.Values)
        {
            if (policy.Jwt?.JwksFile is not { Length: > 0 } path)
            {
                continue;
            }

            string? error;
            try
            {
                error = AuthPolicyValidator.ParseJwks(File.ReadAllText(path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"cannot be read: {ex.Message}";
            }

            if (error is not null)
            {
                problems.Add(new ModelProblem(policy.Source, $"auth policy '{policy.Name}'", "Jwt.JwksFile", $"'{path}' {error}"));
            }
        }

        return problems;
    }

    /// <summary>Puts <paramref name="model"/>'s auth in force. Called by one thread at a time (the model store's).</summary>
    public ValueTask ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        Apply(model);
        return ValueTask.CompletedTask;
    }

    private void Apply(GatewayModel model)
    {
        var providers = new Dictionary<string, IConfigurationManager<OpenIdConnectConfiguration>>(StringComparer.Ordinal);
        var authenticators = new Dictionary<string, IAuthenticator>(StringComparer.Ordinal);
        foreach (var policy in model.AuthPolicies.Values)
        {
            authenticators[policy.Name] = policy.Type == AuthPolicyType.Jwt
                ? new JwtAuthenticator(policy, KeysFor(policy.Jwt!, providers), timeProvider)
                : new ApiKeyAuthenticator(policy);
        }

        var inUse = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in model.Routes)
        {
            inUse.Add(route.Name);
            RouteAuth? auth = null;
            if (!route.AuthPolicies.IsEmpty)
            {
                var routeAuthenticators = new IAuthenticator[route.AuthPolicies.Length];
                var policies = new AuthPolicy[route.AuthPolicies.Length];
                for (var i = 0; i < policies.Length; i++)
                {
                    routeAuthenticators[i] = authenticators[route.AuthPolicies[i]];
                    policies[i] = model.AuthPolicies[route.AuthPolicies[i]];
                }

                auth = new RouteAuth(route.Name, routeAuthenticators, policies);
            }

            SlotFor(route.Name).Auth = auth;
        }

        foreach (var (name, slot) in _slots)
        {
            if (!inUse.Contains(name))
            {
                slot.Auth = null;
            }
        }

        _providers = providers;
        Applied = model;
    }

    public void Dispose() => _http.Dispose();

    // Check has read the file; should it vanish before Apply, the policy refuses every token rather than failing the reload.
    private static string ReadJwksFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "{\"keys\":[]}";
        }
    }

    private IConfigurationManager<OpenIdConnectConfiguration> KeysFor(JwtAuth settings, Dictionary<string, IConfigurationManager<OpenIdConnectConfiguration>> providers)
    {
        if (settings.Jwks is { } inline)
        {
            return SigningKeySources.Static(inline);
        }

        if (settings.JwksFile is { } path)
        {
            return SigningKeySources.Static(ReadJwksFile(path));
        }

        var identity = SigningKeySources.IdentityOf(settings);
        if (!providers.TryGetValue(identity, out var manager))
        {
            manager = _providers.TryGetValue(identity, out var kept) ? kept : SigningKeySources.FromDiscovery(settings, _http, _logger);
            providers[identity] = manager;
        }

        return manager;
    }
}
