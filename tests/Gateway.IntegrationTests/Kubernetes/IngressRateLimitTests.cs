using System.Diagnostics;
using System.Net;
using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>Seed 004 as kustomize renders it: limit-rpm 30 with burst multiplier 5 per client IP, 503 beyond, as ingress-nginx.</summary>
[Collection(SerialCollection.Name)]
public sealed class IngressRateLimitTests : KubernetesTest
{
    [Fact]
    public async Task Seed_004_admits_the_burst_then_30_per_minute_per_client()
    {
        foreach (var item in await IngressObjects.ExampleAsync("004-rate-limited-ingress"))
        {
            Api.Apply(item);
        }

        Api.Apply(EndpointSlice("ml-service-x1", "ml-service", PortOf(A.Url), ns: "models", endpoints: Endpoint.ReadyPod));

        // The test client is a trusted proxy, so X-Forwarded-For names the client, as behind a cloud load balancer.
        await using var k8s = await KubernetesGateway.StartAsync(Api, null, true, "--Gateway:RateLimiting:TrustedProxies:0=127.0.0.1");
        await Eventually.TrueAsync(async () => (await SendAsync(k8s, "198.51.100.99")) == HttpStatusCode.OK, "the Ingress to be served");

        // 30/m with multiplier 5 is a bucket of 150, refilled one token every 2 s.
        const int Burst = 150;
        var clock = Stopwatch.StartNew();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Burst + 10; i++)
        {
            statuses.Add(await SendAsync(k8s, "203.0.113.1"));
        }

        var refilled = (int)(clock.Elapsed.TotalSeconds / 2) + 1;
        var admitted = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.InRange(admitted, Burst, Burst + refilled);
        Assert.Equal(Burst + 10 - admitted, statuses.Count(s => s == HttpStatusCode.ServiceUnavailable));
        Assert.Equal(HttpStatusCode.OK, statuses[Burst - 1]);

        // Another client has its own bucket.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(k8s, "203.0.113.2"));

        using var refused = await RequestAsync(k8s, "203.0.113.1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Limit_allowlist_exempts_its_clients_from_the_limit()
    {
        Api.Apply(Service("web", exposed: false));
        Api.Apply(EndpointSlice("web-x1", "web", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(IngressObjects.Ingress("limited", new()
        {
            ["nginx.ingress.kubernetes.io/limit-rpm"] = "1",
            ["nginx.ingress.kubernetes.io/limit-burst-multiplier"] = "1",
            ["nginx.ingress.kubernetes.io/limit-allowlist"] = "10.0.0.0/8",
        }, paths: ("/predict", "web", 80)));
        await using var k8s = await KubernetesGateway.StartAsync(Api, null, true, "--Gateway:RateLimiting:TrustedProxies:0=127.0.0.1");
        await Eventually.TrueAsync(async () => (await SendAsync(k8s, "10.1.2.3")) == HttpStatusCode.OK, "the Ingress to be served");

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await SendAsync(k8s, "10.1.2.3"));
        }

        // One request a minute for everyone else: the second is refused.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(k8s, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await SendAsync(k8s, "203.0.113.7"));
    }

    [Fact]
    public async Task With_limit_rps_and_limit_rpm_both_bind_and_the_refusal_names_the_one_that_bit()
    {
        Api.Apply(Service("web", exposed: false));
        Api.Apply(EndpointSlice("web-x1", "web", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(IngressObjects.Ingress("both", new()
        {
            ["nginx.ingress.kubernetes.io/limit-rps"] = "3",
            ["nginx.ingress.kubernetes.io/limit-rpm"] = "6",
            ["nginx.ingress.kubernetes.io/limit-burst-multiplier"] = "1",
        }, paths: ("/predict", "web", 80)));
        await using var k8s = await KubernetesGateway.StartAsync(Api, null, true, "--Gateway:RateLimiting:TrustedProxies:0=127.0.0.1");
        await Eventually.TrueAsync(async () => (await SendAsync(k8s, "198.51.100.99")) == HttpStatusCode.OK, "the Ingress to be served");

        // A burst of 10 at once: the per-second bucket (3) refuses most, and they cost the per-minute bucket (6) nothing.
        const string PerSecond = "\"ingress/default/both/rps\";q=3;w=1";
        const string PerMinute = "\"ingress/default/both/rpm\";q=6;w=60";
        var clock = Stopwatch.StartNew();
        var burst = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => OutcomeAsync(k8s, "203.0.113.1")));
        var admitted = burst.Count(r => r.Status == HttpStatusCode.OK);
        Assert.InRange(admitted, 3, 6);
        Assert.Contains((HttpStatusCode.ServiceUnavailable, PerSecond), burst);

        // Then one request at a time, each refused until the per-second bucket refills: after the per-minute bucket's
        // 6 tokens are spent, its bound bites although the per-second one would admit.
        await Eventually.TrueAsync(
            async () =>
            {
                var (status, policy) = await OutcomeAsync(k8s, "203.0.113.1");
                admitted += status == HttpStatusCode.OK ? 1 : 0;
                return status == HttpStatusCode.ServiceUnavailable && policy == PerMinute;
            },
            "a refusal by the per-minute limit");

        // One per-minute token every 10 s: never more admitted than the bucket plus what refilled meanwhile.
        Assert.InRange(admitted, 6, 6 + (int)(clock.Elapsed.TotalSeconds / 10));
    }

    private static async Task<(HttpStatusCode Status, string? Policy)> OutcomeAsync(KubernetesGateway k8s, string client)
    {
        using var response = await RequestAsync(k8s, client);
        return (response.StatusCode, response.Headers.TryGetValues("RateLimit-Policy", out var values) ? values.Single() : null);
    }

    private static async Task<HttpStatusCode> SendAsync(KubernetesGateway k8s, string client)
    {
        using var response = await RequestAsync(k8s, client);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> RequestAsync(KubernetesGateway k8s, string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/predict") { Headers = { { "X-Forwarded-For", client } } };
        return k8s.Gateway.Client.SendAsync(request);
    }
}
