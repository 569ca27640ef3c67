using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Kubernetes.GatewayApi;

/// <summary>
/// The status the gateway writes back through the status subresource, read from the fake API server's stored objects,
/// and the traffic that goes with it: 500 for the share of a backendRef that does not resolve, 503 for a Service
/// without endpoints, nothing for routes of other controllers.
/// </summary>
public sealed class GatewayApiStatusTests(GatewayApiStatusFixture fixture) : IClassFixture<GatewayApiStatusFixture>
{
    private const string Controller = "mlgateway.io/gateway-controller";

    private static string? Text(JsonNode? node) => node?.GetValue<string>();

    [Fact]
    public async Task An_attached_route_is_accepted_with_its_generation_and_serves()
    {
        var accepted = fixture.RouteCondition("infra/good", "Accepted")!;
        Assert.Equal(("True", "Accepted", 4L), (Text(accepted["status"]), Text(accepted["reason"]), accepted["observedGeneration"]!.GetValue<long>()));
        Assert.Equal("True", Text(fixture.RouteCondition("infra/good", "ResolvedRefs")?["status"]));
        var parent = fixture.Api.Get("httproutes", "infra", "good")!["status"]!["parents"]![0]!;
        Assert.Equal((Controller, "gw"), (Text(parent["controllerName"]), Text(parent["parentRef"]!["name"])));
        Assert.Equal("v1", await fixture.AnswerAsync("good.test", "/"));
    }

    [Fact]
    public async Task A_missing_backend_is_BackendNotFound_and_its_share_gets_500()
    {
        var resolved = fixture.RouteCondition("infra/missing-backend", "ResolvedRefs")!;
        Assert.Equal(("False", "BackendNotFound"), (Text(resolved["status"]), Text(resolved["reason"])));
        Assert.Contains("does-not-exist", Text(resolved["message"]), StringComparison.Ordinal);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 200; i++)
        {
            var answer = await fixture.AnswerAsync("missing.test", "/");
            counts[answer] = counts.GetValueOrDefault(answer) + 1;
        }

        Assert.Equal(["500", "v1"], counts.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.InRange(counts["500"], 70, 130);
    }

    [Fact]
    public async Task A_cross_namespace_backend_needs_a_ReferenceGrant()
    {
        var resolved = fixture.RouteCondition("infra/not-permitted", "ResolvedRefs")!;
        Assert.Equal(("False", "RefNotPermitted"), (Text(resolved["status"]), Text(resolved["reason"])));
        Assert.Equal("500", await fixture.AnswerAsync("closed.test", "/"));

        fixture.Apply("""
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: { name: routes-from-infra, namespace: other }
            spec:
              from: [ { group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra } ]
              to: [ { group: "", kind: Service } ]
            """);

        await Eventually.EqualAsync("True", () => Task.FromResult(Text(fixture.RouteCondition("infra/not-permitted", "ResolvedRefs")?["status"])), "ResolvedRefs after the grant");

        // Permitted now, but the Service has no ready endpoints.
        await Eventually.EqualAsync("503", () => fixture.AnswerAsync("closed.test", "/"), "GET closed.test/");
    }

    [Fact]
    public async Task A_parentRef_to_a_missing_listener_is_NoMatchingParent_and_not_served()
    {
        var accepted = fixture.RouteCondition("infra/no-such-listener", "Accepted")!;
        Assert.Equal(("False", "NoMatchingParent"), (Text(accepted["status"]), Text(accepted["reason"])));
        Assert.Equal("404", await fixture.AnswerAsync("nowhere.test", "/"));
    }

    [Fact]
    public async Task Objects_of_other_controllers_are_left_alone()
    {
        Assert.Null(fixture.Api.Get("httproutes", "infra", "on-their-gateway")!["status"]);
        Assert.Null(fixture.Api.Get("gatewayclasses", null, "theirs")!["status"]);
        Assert.Null(fixture.Api.Get("gateways", "infra", "foreign")!["status"]);
        Assert.Equal("404", await fixture.AnswerAsync("theirs.test", "/"));
    }

    [Fact]
    public void Our_GatewayClass_and_Gateway_report_accepted_programmed_and_attached_routes()
    {
        var classCondition = fixture.Api.Get("gatewayclasses", null, "mlgateway")!["status"]!["conditions"]![0]!;
        Assert.Equal(("Accepted", "True"), (Text(classCondition["type"]), Text(classCondition["status"])));

        var status = fixture.Api.Get("gateways", "infra", "gw")!["status"]!;
        var conditions = status["conditions"]!.AsArray().ToDictionary(c => Text(c!["type"])!, c => Text(c!["status"]));
        Assert.Equal("True", conditions["Accepted"]);
        Assert.Equal("True", conditions["Programmed"]);
        Assert.Equal(2L, status["conditions"]![0]!["observedGeneration"]!.GetValue<long>());
        var listener = status["listeners"]![0]!;
        Assert.Equal("http", Text(listener["name"]));
        Assert.Equal(3, listener["attachedRoutes"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_status_is_written_once_and_not_again_while_it_does_not_change()
    {
        static bool IsWrite(string request) => request.StartsWith("PATCH ", StringComparison.Ordinal) && request.Contains("/httproutes/good/status", StringComparison.Ordinal);
        var before = fixture.Api.Requests.Count(IsWrite);

        // A new route on another Gateway rebuilds the model; the good route's status stays the same, so it is not written again.
        fixture.Apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: { name: gw2 }
            spec: { gatewayClassName: mlgateway, listeners: [ { name: http, protocol: HTTP, port: 80 } ] }
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: { name: later }
            spec:
              parentRefs: [ { name: gw2 } ]
              hostnames: [ later.test ]
              rules: [ { backendRefs: [ { name: v2, port: 8080 } ] } ]
            """);
        await Eventually.EqualAsync("v2", () => fixture.AnswerAsync("later.test", "/"), "GET later.test/");
        await Eventually.TrueAsync(() => Task.FromResult(fixture.RouteCondition("infra/later", "Accepted") is not null), "the new route's status");

        Assert.Equal(1, before);
        Assert.Equal(before, fixture.Api.Requests.Count(IsWrite));
    }
}
