using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes;
using Gateway.Model;
using Gateway.Model.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests;

public sealed class CanaryTests : IAsyncLifetime
{
    private TestBackend _v1 = null!;
    private TestBackend _v2 = null!;

    public async Task InitializeAsync()
    {
        _v1 = await TestBackend.StartAsync("v1");
        _v2 = await TestBackend.StartAsync("v2");
    }

    public async Task DisposeAsync()
    {
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }

    private Dictionary<string, object> Backends => new()
    {
        ["v1"] = new { Endpoints = new[] { _v1.Url } },
        ["v2"] = new { Endpoints = new[] { _v2.Url } },
        ["no-endpoints"] = new { Endpoints = Array.Empty<string>() },
    };

    private object Split(int stable, int canary, object? policy = null, string route = "predict", string canaryBackend = "v2")
    {
        var routeSection = new Dictionary<string, object>
        {
            ["Name"] = route,
            ["Matches"] = new[] { new { Path = "/predict" } },
            ["Backends"] = new[] { new { Name = "v1", Weight = stable }, new { Name = canaryBackend, Weight = canary } },
        };
        if (policy is not null)
        {
            routeSection["Canary"] = policy;
        }

        return new { Routes = new[] { routeSection }, Backends };
    }

    /// <summary>Sends <paramref name="count"/> requests, 8 at a time; counts answers by backend, or by status when not 200.</summary>
    private static async Task<Dictionary<string, int>> SendManyAsync(TestGateway gateway, int count, Func<int, HttpRequestMessage>? create = null)
    {
        var counts = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var request = create?.Invoke(i) ?? new HttpRequestMessage(HttpMethod.Get, "/predict");
            using var response = await gateway.Client.SendAsync(request, ct);
            var key = response.StatusCode == HttpStatusCode.OK
                ? (await BackendEcho.ReadAsync(response)).Backend
                : ((int)response.StatusCode).ToString();
            counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        });
        return new Dictionary<string, int>(counts);
    }

    private static HttpRequestMessage Get(params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/predict");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return request;
    }

    private async Task<string> BackendFor(TestGateway gateway, params (string Name, string Value)[] headers)
    {
        using var response = await gateway.Client.SendAsync(Get(headers));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await BackendEcho.ReadAsync(response)).Backend;
    }

    [Fact]
    public async Task A_90_10_split_sends_each_backend_its_share_and_counts_it_per_variant()
    {
        var measured = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ModelStore.MeterName && instrument.Name is "gateway.requests" or "gateway.request.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? route = null, backend = null, statusClass = null;
            foreach (var tag in tags)
            {
                route = tag.Key == "route" ? tag.Value as string : route;
                backend = tag.Key == "backend" ? tag.Value as string : backend;
                statusClass = tag.Key == "status_class" ? tag.Value as string : statusClass;
            }

            if (route == "split-90-10")
            {
                measured.AddOrUpdate($"{instrument.Name}/{backend}/{statusClass}", 1, (_, n) => n + 1);
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Record(instrument, tags));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
        listener.Start();
        await using var gateway = await TestGateway.StartAsync(Split(90, 10, route: "split-90-10"));

        var counts = await SendManyAsync(gateway, 2_000);

        Assert.Equal(2_000, counts.GetValueOrDefault("v1") + counts.GetValueOrDefault("v2"));
        Assert.InRange(counts["v2"], 2_000 * 0.07, 2_000 * 0.13);
        Assert.Equal(counts["v1"], _v1.RequestCount);
        Assert.Equal(counts["v2"], _v2.RequestCount);
        // The gateway records a request once its response is complete, which may be a moment after the client has read it.
        await Eventually.EqualAsync(
            counts["v1"] + counts["v2"],
            () => Task.FromResult((int)(measured.GetValueOrDefault("gateway.request.duration/v1/2xx") + measured.GetValueOrDefault("gateway.request.duration/v2/2xx"))),
            "requests timed by the gateway");
        Assert.Equal(counts["v1"], measured.GetValueOrDefault("gateway.requests/v1/2xx"));
        Assert.Equal(counts["v2"], measured.GetValueOrDefault("gateway.requests/v2/2xx"));
        Assert.Equal(2_000, measured.Where(m => m.Key.StartsWith("gateway.requests/", StringComparison.Ordinal)).Sum(m => m.Value));
    }

    [Fact]
    public async Task A_weight_0_backend_gets_no_request()
    {
        await using var gateway = await TestGateway.StartAsync(Split(100, 0));

        var counts = await SendManyAsync(gateway, 500);

        Assert.Equal(500, counts["v1"]);
        Assert.Equal(0, _v2.RequestCount);
    }

    [Fact]
    public async Task Header_override_always_and_never_beat_the_weights()
    {
        await using var gateway = await TestGateway.StartAsync(Split(100, 0, new { Backend = "v2", Header = "X-Canary" }));

        var always = await SendManyAsync(gateway, 100, _ => Get(("X-Canary", "always")));
        var other = await SendManyAsync(gateway, 100, _ => Get(("X-Canary", "please")));
        await gateway.ReloadAsync(Split(0, 100, new { Backend = "v2", Header = "X-Canary" }));
        var never = await SendManyAsync(gateway, 100, _ => Get(("X-Canary", "never")));

        Assert.Equal(100, always["v2"]);
        Assert.Equal(100, other["v1"]);
        Assert.Equal(100, never["v1"]);
    }

    [Fact]
    public async Task A_configured_header_value_then_the_cookie_select_the_canary()
    {
        await using var gateway = await TestGateway.StartAsync(Split(100, 0, new { Backend = "v2", Header = "X-Tester", HeaderValue = "qa-team", Cookie = "canary" }));

        Assert.Equal("v2", await BackendFor(gateway, ("X-Tester", "qa-team")));
        Assert.Equal("v1", await BackendFor(gateway, ("X-Tester", "always")));
        Assert.Equal("v2", await BackendFor(gateway, ("Cookie", "session=abc; canary=always")));
        Assert.Equal("v1", await BackendFor(gateway, ("Cookie", "canary=sometimes")));
        Assert.Equal("v2", await BackendFor(gateway, ("X-Tester", "someone-else"), ("Cookie", "canary=always")));
    }

    [Fact]
    public async Task A_sticky_header_keeps_each_user_on_one_variant_and_a_raise_moves_users_only_into_the_canary()
    {
        var policy = new { StickyHeader = "X-User-Id" };
        await using var gateway = await TestGateway.StartAsync(Split(80, 20, policy));
        var users = Enumerable.Range(0, 200).Select(u => $"user-{u}").ToArray();

        var before = new Dictionary<string, string>();
        foreach (var user in users)
        {
            before[user] = await BackendFor(gateway, ("X-User-Id", user));
            for (var repeat = 0; repeat < 2; repeat++)
            {
                Assert.Equal(before[user], await BackendFor(gateway, ("X-User-Id", user)));
            }
        }

        await gateway.ReloadAsync(Split(50, 50, policy));
        var after = new Dictionary<string, string>();
        foreach (var user in users)
        {
            after[user] = await BackendFor(gateway, ("X-User-Id", user));
        }

        Assert.InRange(before.Values.Count(v => v == "v2"), 20, 60);
        Assert.InRange(after.Values.Count(v => v == "v2"), 70, 130);
        Assert.DoesNotContain(users, u => before[u] == "v2" && after[u] == "v1");
    }

    [Fact]
    public async Task A_variant_without_endpoints_falls_back_to_the_one_with_endpoints()
    {
        await using var gateway = await TestGateway.StartAsync(Split(50, 50, canaryBackend: "no-endpoints"));

        var counts = await SendManyAsync(gateway, 400);

        Assert.Equal(400, counts["v1"]);
    }

    [Fact]
    public async Task With_fallback_off_the_share_of_a_variant_without_endpoints_gets_503()
    {
        await using var gateway = await TestGateway.StartAsync(Split(50, 50, new { Fallback = false }, canaryBackend: "no-endpoints"));

        var counts = await SendManyAsync(gateway, 400);

        Assert.Equal(400, counts["v1"] + counts["503"]);
        Assert.InRange(counts["503"], 140, 260);
    }

    [Fact]
    public async Task The_share_of_an_unresolved_backend_gets_500_and_the_rest_is_served()
    {
        await using var gateway = await TestGateway.StartAsync(Split(100, 0));
        var model = new GatewayModel
        {
            Routes =
            [
                new RouteModel
                {
                    Name = "partly-unresolved",
                    Source = "test",
                    Matches = [new Gateway.Model.RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, "/partly") }],
                    Backends = [new BackendRef("v1", 80), new BackendRef("deleted-service", 20)],
                },
            ],
            Backends = new Dictionary<string, BackendModel>
            {
                ["v1"] = new() { Name = "v1", Source = "test", Endpoints = [_v1.Url] },
                ["deleted-service"] = new() { Name = "deleted-service", Source = "test", UnresolvedReason = "Service 'deleted-service' not found" },
            }.ToImmutableDictionary(StringComparer.Ordinal),
        };
        Assert.Empty(await gateway.Services.GetRequiredService<ModelStore>().PublishAsync(new SourceSnapshot("test", model, []), precedence: 1_000));

        var counts = await SendManyAsync(gateway, 1_000, _ => new HttpRequestMessage(HttpMethod.Get, "/partly/x"));

        Assert.Equal(1_000, counts["v1"] + counts["500"]);
        Assert.InRange(counts["500"], 140, 260);
        for (var i = 0; i < 200; i++)
        {
            using var response = await gateway.Client.GetAsync("/partly/x");
            if (response.StatusCode == HttpStatusCode.InternalServerError)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.Equal("Service 'deleted-service' not found", problem["title"]!.GetValue<string>());
                return;
            }
        }

        Assert.Fail("no request of 200 got the unresolved backend's 500");
    }

    [Fact]
    public async Task The_variant_header_names_the_backend_that_served_only_when_enabled()
    {
        await using var enabled = await TestGateway.StartAsync(Split(50, 50), "--Gateway:Canary:VariantHeader=x-gateway-variant");
        await using var disabled = await TestGateway.StartAsync(Split(50, 50));

        for (var i = 0; i < 40; i++)
        {
            using var response = await enabled.Client.GetAsync("/predict");
            var echo = await BackendEcho.ReadAsync(response);
            Assert.Equal(echo.Backend, Assert.Single(response.Headers.GetValues("x-gateway-variant")));

            using var plain = await disabled.Client.GetAsync("/predict");
            Assert.False(plain.Headers.Contains("x-gateway-variant"));
        }
    }

    [Fact]
    public async Task Changing_weights_by_reload_fails_no_request_in_flight()
    {
        foreach (var backend in new[] { _v1, _v2 })
        {
            var name = backend.Name;
            backend.Handler = async context =>
            {
                await Task.Delay(20);
                await context.Response.WriteAsync(name);
            };
        }

        await using var gateway = await TestGateway.StartAsync(Split(90, 10));
        using var stop = new CancellationTokenSource();
        var answers = new ConcurrentQueue<string>();
        var load = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await gateway.Client.GetAsync("/predict");
                answers.Enqueue(response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : ((int)response.StatusCode).ToString());
            }
        })).ToArray();

        foreach (var (stable, canary) in new[] { (50, 50), (10, 90), (0, 100) })
        {
            await Task.Delay(300);
            var config = await gateway.ReloadAsync(Split(stable, canary));
            Assert.Null(config["lastRejected"]);
        }

        // Requests already in flight finish on the weights they were routed with.
        await Task.Delay(200);
        var afterLastReload = answers.Count;
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var all = answers.ToArray();
        Assert.True(all.Length > 100, $"only {all.Length} requests completed");
        Assert.All(all, answer => Assert.True(answer is "v1" or "v2", $"a request failed with {answer} during the reloads"));
        Assert.Contains("v1", all);
        Assert.All(all.Skip(afterLastReload), answer => Assert.Equal("v2", answer));
    }

    [Fact]
    public async Task An_invalid_canary_change_is_rejected_and_the_previous_split_keeps_serving()
    {
        await using var gateway = await TestGateway.StartAsync(Split(100, 0));

        var config = await gateway.ReloadAsync(Split(0, 100, new { Backend = "model-v3", Header = "X-Canary" }));

        var problems = config["lastRejected"]!["problems"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray();
        Assert.Contains(problems, p => p.Contains("route 'predict', field 'Canary.Backend': 'model-v3' is not one of this route's Backends (v1, v2)", StringComparison.Ordinal));
        Assert.Equal(100, (await SendManyAsync(gateway, 100))["v1"]);
    }
}
