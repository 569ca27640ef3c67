using System.Runtime.CompilerServices;

namespace Gateway.Model.Validation;

/// <summary>
/// The routes and backends <see cref="ModelValidator"/> found clean, by reference: records are immutable and sources
/// hand the unchanged ones back across rebuilds, so with thousands of discovered Services a change re-checks only what
/// changed. Entries live as long as their record. Owned by <see cref="Store.ModelStore"/>; safe to share between threads.
/// </summary>
internal sealed class ValidationCache
{
    private static readonly object Clean = new();

    private readonly ConditionalWeakTable<RouteModel, object> _routes = [];
    private readonly ConditionalWeakTable<BackendModel, object> _backends = [];

    public bool IsClean(RouteModel route) => _routes.TryGetValue(route, out _);

    public bool IsClean(BackendModel backend) => _backends.TryGetValue(backend, out _);

    public void MarkClean(RouteModel route) => _routes.AddOrUpdate(route, Clean);

    public void MarkClean(BackendModel backend) => _backends.AddOrUpdate(backend, Clean);
}
