using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Proxy.Translation;

namespace Gateway.Tests.Proxy;

/// <summary>Routes in declaration order (Istio's first match wins) keep it, where Gateway API precedence would reorder.</summary>
public sealed class DeclarationOrderTests
{
    [Fact]
    public void Routes_in_declaration_order_keep_it_and_go_before_the_others_of_the_same_host()
    {
        var model = new GatewayModel
        {
            Routes =
            [
                Route("other-exact", PathMatchType.Exact, "/predict", inOrder: false),
                Route("istio-catch-all", PathMatchType.PathPrefix, "/", inOrder: true),
                Route("istio-exact", PathMatchType.Exact, "/predict", inOrder: true),
                Route("other-host", PathMatchType.PathPrefix, "/", inOrder: false, host: "api.example.com"),
            ],
            Backends = new Dictionary<string, BackendModel> { ["b"] = new() { Name = "b", Endpoints = ["http://127.0.0.1:1"] } }.ToImmutableDictionary(),
        };

        var order = YarpTranslator.Translate(model).Routes.OrderBy(r => r.Order).Select(r => r.RouteId).ToArray();

        // A specific host still comes first; then the in-order routes as written, even though a later one is more specific.
        Assert.Equal(["other-host", "istio-catch-all", "istio-exact", "other-exact"], order);
    }

    private static RouteModel Route(string name, PathMatchType type, string path, bool inOrder, string? host = null) => new()
    {
        Name = name,
        Hostnames = host is null ? [] : [host],
        Matches = [new RouteMatch { Path = new PathMatch(type, path) }],
        Backends = [new BackendRef("b")],
        InDeclarationOrder = inOrder,
    };
}
