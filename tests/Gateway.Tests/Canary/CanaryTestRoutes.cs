using System.Collections.Immutable;
using Gateway.Canary;
using Gateway.Model;
using Gateway.Proxy.Translation;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Canary;

/// <summary>Builds canary tables the way the gateway does: model, then translator, then the route runtime's table.</summary>
internal static class CanaryTestRoutes
{
    public static RouteModel Route(CanaryPolicy? canary, params (string Name, int Weight)[] backends) => new()
    {
        Name = "predict",
        Matches = [new RouteMatch()],
        Backends = [.. backends.Select(b => new BackendRef(b.Name, b.Weight))],
        Canary = canary,
    };

    public static GatewayModel ModelOf(RouteModel route, params BackendModel[] extra)
    {
        var backends = route.Backends
            .Select(b => b.Name)
            .Distinct()
            .ToImmutableDictionary(n => n, n => new BackendModel { Name = n, Endpoints = ["http://127.0.0.1:1"] }, StringComparer.Ordinal);
        foreach (var backend in extra)
        {
            backends = backends.SetItem(backend.Name, backend);
        }

        return new GatewayModel { Routes = [route], Backends = backends };
    }

    public static CanaryTable Table(RouteModel route, params BackendModel[] extra) =>
        YarpTranslator.Translate(ModelOf(route, extra)).Runtimes.Values.Single().Canary
            ?? throw new InvalidOperationException("The route was not translated as a split route.");

    public static CanaryTable Table(CanaryPolicy? canary, params (string Name, int Weight)[] backends) => Table(Route(canary, backends));

    public static HttpRequest Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        return context.Request;
    }

    /// <summary>How many of <paramref name="picks"/> seeded selections went to each variant.</summary>
    public static Dictionary<string, int> Count(CanaryTable table, int picks, int seed, HttpRequest? request = null, IVariantAvailability? availability = null)
    {
        var random = new Random(seed);
        request ??= Request();
        var counts = table.Variants.ToDictionary(v => v.Name, _ => 0);
        for (var i = 0; i < picks; i++)
        {
            counts[table.Select(request, random, availability).Name]++;
        }

        return counts;
    }
}
