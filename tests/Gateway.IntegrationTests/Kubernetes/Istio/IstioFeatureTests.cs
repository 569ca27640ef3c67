using System.Net;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests.Kubernetes.Istio;

/// <summary>Fault injection, mirroring, direct responses and unsupported fields of VirtualServices, end to end.</summary>
public sealed class IstioFeatureTests : IstioTest
{
    [Fact]
    public async Task A_fault_abort_of_50_percent_answers_half_the_requests_with_the_configured_status()
    {
        Api.Apply(IstioObjects.VirtualService("ml-service", """
            [ { "fault": { "abort": { "httpStatus": 503, "percentage": { "value": 50 } } },
                "route": [{ "destination": { "host": "ml-service" } }] } ]
            """));
        await using var gateway = await StartGatewayAsync();
        await Eventually.TrueAsync(async () => await AnswerAsync(gateway, "/predict") is "pod-1" or "pod-2", "the route to serve");

        const int Requests = 1000;
        var aborted = 0;
        var served = Pod1.RequestCount + Pod2.RequestCount;
        for (var i = 0; i < Requests; i++)
        {
            var answer = await AnswerAsync(gateway, "/predict");
            Assert.True(answer is "503" or "pod-1" or "pod-2", $"request {i} got {answer}");
            aborted += answer == "503" ? 1 : 0;
        }

        Assert.InRange(aborted, 450, 550);

        // Aborted requests never reach a pod.
        Assert.Equal(Requests - aborted, Pod1.RequestCount + Pod2.RequestCount - served);
    }

    [Fact]
    public async Task A_mirror_gets_copies_of_requests_without_changing_the_answers()
    {
        var copies = new System.Collections.Concurrent.ConcurrentBag<string>();
        Pod2.Handler = async context =>
        {
            // A slow, failing mirror: neither its delay nor its status may reach the client.
            using var reader = new StreamReader(context.Request.Body);
            copies.Add($"{context.Request.Method} {context.Request.Path} {context.Request.Host.Host} {await reader.ReadToEndAsync()}");
            await Task.Delay(200);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        };
        Api.Apply(IstioObjects.DestinationRule());
        Api.Apply(IstioObjects.VirtualService("ml-service", """
            [ { "route": [{ "destination": { "host": "ml-service", "subset": "v1" } }],
                "mirror": { "host": "ml-service", "subset": "v2" },
                "mirrorPercentage": { "value": 100 } } ]
            """));
        await using var gateway = await StartGatewayAsync();
        await WaitForSubsetAsync(gateway, "v2", 1);
        await Eventually.EqualAsync("pod-1", () => AnswerAsync(gateway, "/predict"), "the route to serve");
        copies.Clear();

        const int Requests = 40;
        for (var i = 0; i < Requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/predict")
            {
                Headers = { Host = IstioObjects.Service },
                Content = new StringContent($"{{\"n\":{i}}}"),
            };
            using var response = await gateway.Gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var echo = await Infrastructure.BackendEcho.ReadAsync(response);
            Assert.Equal("pod-1", echo.Backend);
        }

        await Eventually.TrueAsync(() => Task.FromResult(copies.Count >= Requests), $"{Requests} copies to reach the mirror");
        Assert.Contains($"POST /predict ml-service-shadow {{\"n\":{Requests - 1}}}", copies);
    }

    [Fact]
    public async Task Direct_responses_and_unsupported_fields_are_served_and_reported()
    {
        Api.Apply(IstioObjects.VirtualService("ml-service", """
            [ { "match": [{ "uri": { "exact": "/healthz" } }], "directResponse": { "status": 200, "body": { "string": "ok" } } },
              { "match": [{ "uri": { "prefix": "/legacy" } }],
                "fault": { "delay": { "exponentialDelay": "1s" } },
                "route": [{ "destination": { "host": "ml-service" } }] },
              { "route": [{ "destination": { "host": "ml-service" } }] } ]
            """));
        await using var gateway = await StartGatewayAsync();

        await Eventually.TrueAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { Host = IstioObjects.Service } };
            using var response = await gateway.Gateway.Client.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync() == "ok";
        }, "the direct response");

        // The route with the unsupported field is left out whole: /legacy falls through to the catch-all.
        Assert.True(await AnswerAsync(gateway, "/legacy") is "pod-1" or "pod-2");
        var warnings = await gateway.WarningsAsync();
        Assert.Contains("VirtualService 'models/ml-service', field 'spec.http[1].fault.delay.exponentialDelay'", warnings, StringComparison.Ordinal);
        await Eventually.TrueAsync(
            () => Task.FromResult(Api.Created("events").Any(e => e["regarding"]?["kind"]?.GetValue<string>() == "VirtualService"
                && e["note"]!.GetValue<string>().Contains("exponentialDelay", StringComparison.Ordinal))),
            "a Warning Event on the VirtualService");
    }

    [Fact]
    public async Task A_route_with_a_value_only_validation_catches_is_left_out_alone_and_reported_on_the_VirtualService()
    {
        Api.Apply(IstioObjects.VirtualService("ml-service", """
            [ { "match": [{ "headers": { "bad header": { "exact": "x" } } }], "directResponse": { "status": 418 } },
              { "match": [{ "uri": { "prefix": "/ok" } }], "directResponse": { "status": 200, "body": { "string": "ok" } } } ]
            """));
        await using var gateway = await StartGatewayAsync();

        await Eventually.TrueAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/ok") { Headers = { Host = IstioObjects.Service } };
            using var response = await gateway.Gateway.Client.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK;
        }, "the valid route");

        Assert.Contains(
            "VirtualService 'models/ml-service', field 'spec.http[0]': Matches[0].Headers[0].Name: 'bad header' is not a valid header name",
            await gateway.WarningsAsync(),
            StringComparison.Ordinal);
        await Eventually.TrueAsync(
            () => Task.FromResult(Api.Created("events").Any(e => e["regarding"]?["kind"]?.GetValue<string>() == "VirtualService"
                && e["note"]!.GetValue<string>().StartsWith("spec.http[0]: Matches[0].Headers[0].Name:", StringComparison.Ordinal))),
            "a Warning Event on the VirtualService");
    }

    [Fact]
    public async Task A_per_try_timeout_abandons_a_slow_pod_for_another_and_the_last_try_answers_504()
    {
        Pod2.Handler = async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted);
            await context.Response.WriteAsync("too late");
        };
        Api.Apply(IstioObjects.VirtualService("ml-service", """
            [ { "match": [{ "uri": { "prefix": "/one-try" } }],
                "retries": { "attempts": 1, "perTryTimeout": "300ms" },
                "route": [{ "destination": { "host": "ml-service" } }] },
              { "retries": { "attempts": 1, "perTryTimeout": "300ms" },
                "route": [{ "destination": { "host": "ml-service" } }] } ]
            """));
        await using var gateway = await StartGatewayAsync();
        await Eventually.TrueAsync(async () => await AnswerAsync(gateway, "/predict") == "pod-1", "the route to serve");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("pod-1", await AnswerAsync(gateway, "/predict"));
        }

        Assert.True(Pod2.RequestCount > 0, "the slow pod was never tried, so nothing was retried");

        // Both pods slow: the first try times out, so does the retry, and the client gets 504 well before 3 s.
        Pod1.Handler = Pod2.Handler;
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("504", await AnswerAsync(gateway, "/one-try"));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2.5), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task VirtualServices_are_picked_up_when_the_Istio_CRDs_appear_after_start()
    {
        Api.ServeGroup("networking.istio.io", served: false);
        Api.Apply(IstioObjects.DestinationRule());
        Api.Apply(System.Text.Json.Nodes.JsonNode.Parse(IstioObjects.Seed003)!.AsObject());

        // Ready without the CRDs: the Istio source has nothing to serve yet.
        await using var gateway = await StartGatewayAsync();
        Assert.Equal("404", await AnswerAsync(gateway, "/predict"));

        Api.ServeGroup("networking.istio.io", served: true);
        await Eventually.TrueAsync(async () => await AnswerAsync(gateway, "/predict") is "pod-1" or "pod-2", "/predict to be routed once the CRDs are served");
    }
}
