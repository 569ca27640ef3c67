using System.Net;
using Gateway.Sources.Kubernetes;
using k8s.Autorest;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class WatchRefusalTests
{
    private static HttpOperationException Refused(string url, HttpStatusCode status = HttpStatusCode.Forbidden, string body = "") => new("refused")
    {
        Request = new HttpRequestMessageWrapper(new HttpRequestMessage(HttpMethod.Get, url), ""),
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(status), body),
    };

    [Fact]
    public void A_refused_list_of_a_grouped_resource_in_all_namespaces()
    {
        var refusal = WatchRefusal.From(Refused(
            "https://10.0.0.1/apis/discovery.k8s.io/v1/endpointslices?watch=false",
            body: """{"kind":"Status","message":"endpointslices.discovery.k8s.io is forbidden: User \"x\" cannot list resource","code":403}"""));

        Assert.NotNull(refusal);
        Assert.Equal("list endpointslices.discovery.k8s.io in all namespaces", refusal.Access);
        Assert.Equal("apiGroups: [\"discovery.k8s.io\"], resources: [\"endpointslices\"], verbs: [\"list\", \"watch\"]", refusal.Rule);
        Assert.Equal("the gateway's ClusterRole (deploy/base/rbac.yaml)", refusal.Role);
        Assert.Equal("endpointslices.discovery.k8s.io is forbidden: User \"x\" cannot list resource", refusal.Message);
    }

    [Fact]
    public void A_refused_watch_of_a_core_resource_in_one_namespace()
    {
        var refusal = WatchRefusal.From(Refused("https://10.0.0.1/api/v1/namespaces/models/services?allowWatchBookmarks=true&resourceVersion=7&watch=true"));

        Assert.NotNull(refusal);
        Assert.Equal("watch services in namespace 'models'", refusal.Access);
        Assert.Equal("apiGroups: [\"\"], resources: [\"services\"], verbs: [\"list\", \"watch\"]", refusal.Rule);
        Assert.StartsWith("a Role in namespace 'models'", refusal.Role, StringComparison.Ordinal);
        Assert.Null(refusal.Message);
    }

    [Fact]
    public void Namespaces_themselves_are_a_cluster_scoped_resource()
    {
        Assert.Equal("watch namespaces in all namespaces", WatchRefusal.From(Refused("https://10.0.0.1/api/v1/namespaces?watch=true"))?.Access);
    }

    [Fact]
    public void Other_failures_are_not_refusals()
    {
        Assert.Null(WatchRefusal.From(Refused("https://10.0.0.1/api/v1/services", HttpStatusCode.InternalServerError)));
        Assert.Null(WatchRefusal.From(Refused("https://10.0.0.1/healthz")));
        Assert.Null(WatchRefusal.From(new HttpRequestException("connection refused")));
    }
}
