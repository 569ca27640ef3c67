using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Trace;

namespace Gateway.IntegrationTests;

// Metric listeners are process-wide: gateways of tests running in parallel would add to these exact counts.
[Collection(SerialCollection.Name)]
public sealed class ObservabilityTests : TwoBackendTest
{
    private object Section => new
    {
        Routes = new object[]
        {
            new { Name = "route-a", Matches = new[] { new { Path = "/a" } }, Backends = new[] { "a" } },
            new { Name = "route-b", Matches = new[] { new { Path = "/b" } }, Backends = new[] { "b" } },
        },
        Backends,
    };

    internal static async Task<double> ScrapeAsync(TestGateway gateway, string metric, params (string Label, string Value)[] labels)
    {
        var text = await gateway.Admin.GetStringAsync("/metrics");
        var total = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) || !labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                continue;
            }

            total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }

        return total;
    }

    [Fact]
    public async Task Metrics_count_requests_by_route_backend_and_status_class()
    {
        B.Handler = context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        await using var gateway = await TestGateway.StartAsync(Section);

        for (var i = 0; i < 7; i++)
        {
            (await gateway.Client.GetAsync($"/a/item/{i}")).Dispose();
        }

        for (var i = 0; i < 3; i++)
        {
            (await gateway.Client.GetAsync("/b")).Dispose();
        }

        (await gateway.Client.GetAsync("/unknown/secret-token-123")).Dispose();

        Assert.Equal(7, await ScrapeAsync(gateway, "gateway_requests_total", ("route", "route-a"), ("backend", "a"), ("status_class", "2xx")));
        Assert.Equal(3, await ScrapeAsync(gateway, "gateway_requests_total", ("route", "route-b"), ("backend", "b"), ("status_class", "5xx")));
        Assert.Equal(1, await ScrapeAsync(gateway, "gateway_requests_total", ("route", "(none)"), ("status_class", "4xx")));
        Assert.Equal(7, await ScrapeAsync(gateway, "gateway_request_duration_seconds_count", ("route", "route-a")));
        Assert.Equal(7, await ScrapeAsync(gateway, "gateway_upstream_duration_seconds_count", ("route", "route-a"), ("backend", "a")));
        Assert.Equal(1, await ScrapeAsync(gateway, "gateway_config_reloads_total", ("result", "applied")));

        // Bounded cardinality: raw paths never become label values.
        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.DoesNotContain("/a/item", metrics);
        Assert.DoesNotContain("secret-token-123", metrics);
    }

    [Fact]
    public async Task The_standard_otel_variables_name_the_service_and_runtime_metrics_are_exported()
    {
        await using var gateway = await TestGateway.StartAsync(
            Section, "--OTEL_SERVICE_NAME=models-edge", "--OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=staging,team=ml-platform");
        (await gateway.Client.GetAsync("/a")).Dispose();

        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        var target = metrics.Split('\n').Single(line => line.StartsWith("target_info{", StringComparison.Ordinal));
        Assert.Contains("service_name=\"models-edge\"", target, StringComparison.Ordinal);
        Assert.Contains("deployment_environment_name=\"staging\"", target, StringComparison.Ordinal);
        Assert.Contains("team=\"ml-platform\"", target, StringComparison.Ordinal);

        // System.Runtime (GC, thread pool) and System.Net.Http, which times the forward to the backend.
        Assert.True(await ScrapeAsync(gateway, "dotnet_gc_heap_total_allocated_bytes_total") > 0, metrics);
        Assert.True(await ScrapeAsync(gateway, "dotnet_process_cpu_time_seconds_total") > 0, metrics);
        var backendPort = new Uri(A.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, await ScrapeAsync(gateway, "http_client_request_duration_seconds_count", ("server_port", backendPort), ("http_response_status_code", "200")));
    }

    [Fact]
    public async Task Without_otel_variables_the_service_is_named_gateway()
    {
        await using var gateway = await TestGateway.StartAsync(Section);

        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        var target = metrics.Split('\n').Single(line => line.StartsWith("target_info{", StringComparison.Ordinal));
        Assert.Contains("service_name=\"gateway\"", target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejected_reloads_are_counted()
    {
        await using var gateway = await TestGateway.StartAsync(Section);

        await gateway.WriteAndWaitAsync(gateway.AppSettingsPath, """{ "Gateway": { "Routes": [ { "Name": "x", "Backends": [ "nope" ] } ] } }""");

        // An editor's save can be seen half-written and then whole: either way it is counted, and nothing was applied.
        Assert.InRange(await ScrapeAsync(gateway, "gateway_config_reloads_total", ("result", "rejected")), 1, 2);
        Assert.Equal(1, await ScrapeAsync(gateway, "gateway_config_reloads_total", ("result", "applied")));
    }

    [Fact]
    public async Task Each_backend_reports_its_ready_endpoints_so_an_empty_one_can_alert()
    {
        var routes = new object[]
        {
            new { Name = "route-a", Matches = new[] { new { Path = "/a" } }, Backends = new[] { "a" } },
            new { Name = "drained", Matches = new[] { new { Path = "/drained" } }, Backends = new[] { "drained" } },
        };
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = routes,
            Backends = new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { A.Url } }, ["drained"] = new { Endpoints = Array.Empty<string>() } },
        });

        using var response = await gateway.Client.GetAsync("/drained");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, await ScrapeAsync(gateway, "gateway_backend_endpoints", ("backend", "a")));
        // Present at 0, not absent: an absent series would never fire the alert.
        Assert.Contains((await gateway.Admin.GetStringAsync("/metrics")).Split('\n'), l => l.StartsWith("gateway_backend_endpoints{", StringComparison.Ordinal) && l.Contains("backend=\"drained\"", StringComparison.Ordinal));
        Assert.Equal(0, await ScrapeAsync(gateway, "gateway_backend_endpoints", ("backend", "drained")));

        await gateway.ReloadAsync(new
        {
            Routes = routes,
            Backends = new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { A.Url } }, ["drained"] = new { Endpoints = new[] { A.Url, B.Url } } },
        });

        // The Prometheus exporter serves a scrape from its cache for up to 300 ms: the next fresh one has the reload.
        await Kubernetes.Eventually.TrueAsync(
            async () => await ScrapeAsync(gateway, "gateway_backend_endpoints", ("backend", "drained")) == 2,
            "the scrape to show the reloaded backend's two endpoints");
    }

    [Fact]
    public async Task With_tracing_off_the_clients_traceparent_reaches_the_backend_unchanged()
    {
        const string sent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        string? received = null;
        A.Handler = context =>
        {
            received = context.Request.Headers["traceparent"];
            return context.Response.WriteAsync("ok");
        };
        await using var gateway = await TestGateway.StartAsync(Section, "--Gateway:Telemetry:Tracing=false");

        // A client that writes no trace headers of its own, so the header is exactly the one set here.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = gateway.Client.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/a/predict");
        request.Headers.TryAddWithoutValidation("traceparent", sent);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task The_backend_receives_a_traceparent_of_the_exported_trace()
    {
        var spans = new List<Activity>();
        string? traceparent = null;
        A.Handler = context =>
        {
            traceparent = context.Request.Headers["traceparent"];
            return context.Response.WriteAsync("ok");
        };
        var section = new
        {
            Routes = new object[] { new { Name = "route-a", Matches = new[] { new { Path = "/a" } }, Backends = new[] { "a" }, RateLimitPolicy = "generous" } },
            RateLimitPolicies = new Dictionary<string, object> { ["generous"] = new { Rate = "1000/s" } },
            Backends,
        };
        await using (var gateway = await TestGateway.StartAsync(
            section,
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)),
            "--Gateway:Telemetry:Tracing=true",
            "--Gateway:Telemetry:TraceSampleRatio=1"))
        {
            using var response = await gateway.Client.GetAsync("/a/predict");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The gateway was disposed, which flushes its exporter.
        var match = Regex.Match(traceparent ?? "", "^00-(?<trace>[0-9a-f]{32})-(?<parent>[0-9a-f]{16})-01$");
        Assert.True(match.Success, $"unexpected traceparent '{traceparent}'");
        var traceId = match.Groups["trace"].Value;

        // Activity listeners are process-wide, so spans of other tests' servers may be here too: keep this trace's.
        spans = spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();

        // The test backend runs in this process too; the gateway's server span is the one carrying its route.
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore" && s.GetTagItem("gateway.route") is not null);
        Assert.Equal("route-a", server.GetTagItem("gateway.route"));
        Assert.Equal("a", server.GetTagItem("gateway.backend"));
        Assert.Equal("generous", server.GetTagItem("gateway.ratelimit.policy"));
        Assert.Equal("admitted", server.GetTagItem("gateway.ratelimit.decision"));
        // The span the backend names as its parent is the gateway's forwarding client span, a descendant of its server span.
        var client = Assert.Single(spans, s => s.SpanId.ToHexString() == match.Groups["parent"].Value);
        Assert.Equal(ActivityKind.Client, client.Kind);
        var ancestor = client;
        while (ancestor is not null && ancestor != server)
        {
            ancestor = spans.SingleOrDefault(s => s.SpanId == ancestor.ParentSpanId);
        }

        Assert.Same(server, ancestor);
        Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.ParentSpanId == client.SpanId);
    }

    [Fact]
    public async Task The_access_log_writes_one_json_line_per_request()
    {
        var logFile = Path.Combine(Path.GetTempPath(), $"gateway-access-{Guid.NewGuid():N}.log");
        try
        {
            await using (var gateway = await TestGateway.StartAsync(Section, "--Gateway:AccessLog:Enabled=true", $"--Gateway:AccessLog:Path={logFile}"))
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/a/predict");
                (await gateway.Client.SendAsync(request)).Dispose();
                (await gateway.Client.GetAsync("/nowhere")).Dispose();
            }

            var lines = (await File.ReadAllLinesAsync(logFile)).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Equal(2, lines.Count);
            var first = lines[0];
            Assert.Equal("POST", (string)first["method"]!);
            Assert.Equal("/a/predict", (string)first["path"]!);
            Assert.Equal("route-a", (string)first["route"]!);
            Assert.Equal("a", (string)first["backend"]!);
            Assert.Equal(200, (int)first["status"]!);
            Assert.Equal("127.0.0.1", (string)first["client_ip"]!);
            Assert.True((double)first["duration_ms"]! >= (double)first["upstream_ms"]!);
            Assert.True(DateTimeOffset.UtcNow - (DateTimeOffset)first["time"]! < TimeSpan.FromMinutes(1));
            Assert.Equal(404, (int)lines[1]["status"]!);
            Assert.Equal("(none)", (string)lines[1]["route"]!);
        }
        finally
        {
            File.Delete(logFile);
        }
    }

    [Fact]
    public async Task The_access_log_samples()
    {
        var logFile = Path.Combine(Path.GetTempPath(), $"gateway-access-{Guid.NewGuid():N}.log");
        try
        {
            await using (var gateway = await TestGateway.StartAsync(Section, "--Gateway:AccessLog:Enabled=true", $"--Gateway:AccessLog:Path={logFile}", "--Gateway:AccessLog:SampleRate=0.25"))
            {
                for (var i = 0; i < 400; i++)
                {
                    (await gateway.Client.GetAsync("/a")).Dispose();
                }
            }

            var count = (await File.ReadAllLinesAsync(logFile)).Length;
            Assert.InRange(count, 60, 140);
        }
        finally
        {
            File.Delete(logFile);
        }
    }

    [Fact]
    public async Task The_routes_page_lists_routes_with_backends_weights_and_recent_rates()
    {
        B.Handler = context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "split", Matches = new[] { new { Path = "/s", Method = "POST" } }, Backends = new object[] { new { Name = "a", Weight = 9 }, new { Name = "b", Weight = 1 } } },
                new { Name = "broken", Matches = new[] { new { Path = "/b" } }, Backends = new[] { "b" } },
            },
            Backends,
        });
        for (var i = 0; i < 6; i++)
        {
            (await gateway.Client.GetAsync("/b")).Dispose();
        }

        var html = await gateway.Admin.GetStringAsync("/routes");

        Assert.Contains("<tr data-route=\"split\">", html);
        Assert.Contains("PathPrefix /s · POST", html);
        Assert.Contains("<code>a</code> 9 (90%), 1 endpoint", html);
        Assert.Contains("<code>b</code> 1 (10%), 1 endpoint", html);
        var broken = html[html.IndexOf("<tr data-route=\"broken\">", StringComparison.Ordinal)..];
        Assert.Matches("<td class=\"num\">0\\.10</td><td class=\"num error\">0\\.10</td>", broken);
    }
}
