using System.Collections.Concurrent;

namespace Gateway.Observability;

/// <summary>
/// Components that must finish a first load before the gateway reports ready (e.g. the first full sync of every
/// watched Kubernetes kind); <c>/readyz</c> stays 503 while any is pending. Also the accesses the Kubernetes API
/// refuses, which <c>/readyz</c> names so a missing RBAC rule is seen where readiness is checked.
/// </summary>
internal sealed class ReadinessRegistry
{
    private readonly ConcurrentDictionary<string, bool> _components = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, string> _refusals = new(StringComparer.Ordinal);

    public bool IsReady => _components.IsEmpty || !_components.Values.Contains(false);

    public IEnumerable<string> Pending => _components.Where(c => !c.Value).Select(c => c.Key).Order(StringComparer.Ordinal);

    /// <summary>What the API server refuses now, e.g. <c>list ingresses.networking.k8s.io in all namespaces</c>.</summary>
    public IEnumerable<string> Refusals => _refusals.Values.Order(StringComparer.Ordinal);

    /// <summary>Registers a component as not ready yet; call before the host starts.</summary>
    public void Expect(string component) => _components.TryAdd(component, false);

    public void Ready(string component) => _components[component] = true;

    /// <summary>Records that the access <paramref name="watch"/> needs is refused, as <paramref name="access"/>.</summary>
    public void Refused(string watch, string access) => _refusals[watch] = access;

    /// <summary>Records that <paramref name="watch"/> is served again.</summary>
    public void Granted(string watch) => _refusals.TryRemove(watch, out _);
}
