using Gateway.Canary;
using Gateway.Model;
using Gateway.Proxy.Routing;
using Gateway.Proxy.Translation;
using static Gateway.Tests.Canary.CanaryTestRoutes;

namespace Gateway.Tests.Canary;

public sealed class CanaryTranslationTests
{
    private static Yarp.ReverseProxy.Configuration.RouteConfig Translate(RouteModel route, params BackendModel[] extra) =>
        YarpTranslator.Translate(ModelOf(route, extra)).Routes.Single();

    private static RouteRuntime Runtime(RouteModel route, params BackendModel[] extra) =>
        YarpTranslator.Translate(ModelOf(route, extra)).Runtimes.Values.Single();

    [Fact]
    public void A_route_with_one_backend_has_no_canary_table()
    {
        var route = Translate(Route(null, ("v1", 1)));

        Assert.Equal("v1", route.ClusterId);
        Assert.Null(Runtime(Route(null, ("v1", 1))).Canary);
    }

    [Fact]
    public void The_heaviest_backend_is_the_yarp_cluster_so_few_requests_are_reassigned()
    {
        Assert.Equal("v1", Translate(Route(null, ("v2", 10), ("v1", 90))).ClusterId);
        Assert.Equal("v2", Translate(Route(null, ("v2", 10), ("v1", 0))).ClusterId);
        Assert.Equal("a", Translate(Route(null, ("a", 5), ("b", 5))).ClusterId);
    }

    [Fact]
    public void The_plan_carries_weights_canary_and_policy()
    {
        var policy = new CanaryPolicy { Backend = "v2", Header = "X-Canary", HeaderValue = "yes", Cookie = "c", StickyHeader = "X-User", Fallback = false };
        var runtime = Runtime(Route(policy, ("v1", 90), ("v2", 10)));

        var plan = runtime.Plan.Canary!;

        Assert.Equal("predict", plan.Route);
        Assert.Equal([new VariantPlan("v1", 90, null), new VariantPlan("v2", 10, null)], plan.Variants);
        Assert.Equal(policy, plan.Policy);
        var table = runtime.Canary!;
        Assert.Equal([false, true], table.Variants.Select(v => v.IsCanary));
    }

    [Fact]
    public void An_unresolved_backend_keeps_its_share_while_the_resolved_one_is_the_cluster()
    {
        var unresolved = new BackendModel { Name = "v2", UnresolvedReason = "Service 'v2' not found" };
        var route = Translate(Route(null, ("v1", 20), ("v2", 80)), unresolved);
        var runtime = Runtime(Route(null, ("v1", 20), ("v2", 80)), unresolved);

        Assert.Equal("v1", route.ClusterId);
        Assert.Null(runtime.FixedStatus);
        Assert.Equal("Service 'v2' not found", runtime.Canary!.Variants[1].UnresolvedReason);
    }

    [Fact]
    public void A_route_whose_weighted_backends_are_all_unresolved_answers_500()
    {
        var unresolved = new BackendModel { Name = "v1", UnresolvedReason = "Service 'v1' not found" };
        var route = Translate(Route(null, ("v1", 1), ("v2", 0)), unresolved);
        var runtime = Runtime(Route(null, ("v1", 1), ("v2", 0)), unresolved);

        Assert.Null(route.ClusterId);
        Assert.Equal(500, runtime.FixedStatus);
        Assert.Equal("Service 'v1' not found", runtime.FixedStatusReason);
    }
}
