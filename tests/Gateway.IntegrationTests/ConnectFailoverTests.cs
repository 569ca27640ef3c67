using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>
/// A backend with one endpoint that refuses connections (a closed loopback port) and one that answers, through the real
/// gateway: the dead one is absorbed by default, for every method, and is taken out of rotation.
/// </summary>
public sealed class ConnectFailoverTests(ITestOutputHelper output)
{
    private const int Requests = 200;

    private static object Section(string live, int deadPort, object? failover = null) => new
    {
        Routes = new[] { new { Name = "connect-failover", Matches = new[] { new { Path = "/m" } }, Backends = new[] { "connect-failover-pool" } } },
        Backends = new Dictionary<string, object>
        {
            ["connect-failover-pool"] = failover is null
                ? new { Endpoints = new[] { $"http://127.0.0.1:{deadPort}", live } }
                : new { Endpoints = new[] { $"http://127.0.0.1:{deadPort}", live }, ConnectFailover = failover },
        },
    };

    private static async Task<TestBackend> EchoBodyBackendAsync()
    {
        var live = await TestBackend.StartAsync("live");
        live.Handler = context => context.Request.Body.CopyToAsync(context.Response.Body);
        return live;
    }

    [Fact]
    public async Task By_default_no_get_or_post_fails_while_one_of_two_endpoints_refuses_connections()
    {
        await using var live = await EchoBodyBackendAsync();
        await using var gateway = await TestGateway.StartAsync(Section(live.Url, ResilienceTests.UnusedPort()));

        // Every attempt that fails to connect is sent to the other endpoint, which answers: no request can fail, so any
        // failure is a bug rather than bad luck.
        var failed = 0;
        for (var i = 0; i < Requests; i++)
        {
            using var get = await gateway.Client.GetAsync($"/m/get-{i}");
            failed += get.StatusCode == HttpStatusCode.OK ? 0 : 1;

            var body = $"{{\"input\":{i},\"pad\":\"{new string('x', i)}\"}}";
            using var post = await gateway.Client.PostAsync($"/m/post-{i}", new StringContent(body, Encoding.UTF8, "application/json"));
            failed += post.StatusCode == HttpStatusCode.OK && await post.Content.ReadAsStringAsync() == body ? 0 : 1;
        }

        Assert.Equal(0, failed);
        Assert.Equal(2 * Requests, live.RequestCount);
        await Kubernetes.Eventually.TrueAsync(async () => await Retries(gateway) >= 1, "a retry counted");
        await Kubernetes.Eventually.TrueAsync(
            async () => await ObservabilityTests.ScrapeAsync(gateway, "gateway_health_transitions_total", ("backend", "connect-failover-pool"), ("check", "passive"), ("state", "unhealthy")) >= 1,
            "an ejection counted");
    }

    [Fact]
    public async Task An_endpoint_that_refused_a_connection_gets_no_attempt_during_its_ejection_period()
    {
        await using var live = await EchoBodyBackendAsync();
        var deadPort = ResilienceTests.UnusedPort();
        var logs = new CapturedLogs();
        await using var gateway = await TestGateway.StartAsync(Section(live.Url, deadPort, new { EjectionPeriod = "10m" }), builder => builder.Logging.AddProvider(logs));

        // Each attempt on the dead endpoint logs its failure before the retry is sent, so before the client has an answer.
        int DeadAttempts() => logs.Lines.Count(l => l.Contains($"endpoint 'http://127.0.0.1:{deadPort}':", StringComparison.Ordinal));

        // Until the load balancer first picks the dead endpoint (1 chance in 2 per request), nothing happens; that attempt
        // is retried and ejects it.
        for (var i = 0; i < Requests && DeadAttempts() == 0; i++)
        {
            using var response = await gateway.Client.GetAsync("/m");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, DeadAttempts());
        for (var i = 0; i < Requests; i++)
        {
            using var response = await gateway.Client.PostAsync("/m", new StringContent("{}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, DeadAttempts());
        await Kubernetes.Eventually.EqualAsync(1.0, () => Retries(gateway), "the one retry");
        await Kubernetes.Eventually.EqualAsync(
            1.0, () => ObservabilityTests.ScrapeAsync(gateway, "gateway_health_transitions_total", ("backend", "connect-failover-pool"), ("check", "passive"), ("state", "unhealthy")), "the ejection");
    }

    [Fact]
    public async Task An_ejected_endpoint_gets_traffic_again_after_its_ejection_period_once_it_listens()
    {
        await using var live = await TestBackend.StartAsync("live");
        var port = ResilienceTests.UnusedPort();
        var logs = new CapturedLogs();
        await using var gateway = await TestGateway.StartAsync(Section(live.Url, port, new { EjectionPeriod = "200ms" }), builder => builder.Logging.AddProvider(logs));
        await Kubernetes.Eventually.TrueAsync(
            async () =>
            {
                using var response = await gateway.Client.GetAsync("/m");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return logs.Lines.Any(l => l.Contains($"endpoint 'http://127.0.0.1:{port}':", StringComparison.Ordinal));
            },
            "an attempt on the dead endpoint");

        using var revived = new TcpListener(IPAddress.Loopback, port);
        revived.Start();
        var answered = AnswerOnceAsync(revived);
        await Kubernetes.Eventually.TrueAsync(
            async () =>
            {
                using var response = await gateway.Client.GetAsync("/m");
                return answered.IsCompleted || await response.Content.ReadAsStringAsync() == "revived";
            },
            "the revived endpoint to be tried again");
        await answered;
    }

    [Fact]
    public async Task Turned_off_a_refusing_endpoint_fails_the_requests_sent_to_it()
    {
        await using var live = await EchoBodyBackendAsync();
        await using var gateway = await TestGateway.StartAsync(Section(live.Url, ResilienceTests.UnusedPort(), failover: false));

        var failed = 0;
        for (var i = 0; i < Requests; i++)
        {
            using var response = await gateway.Client.PostAsync("/m", new StringContent("{}"));
            failed += response.StatusCode == HttpStatusCode.BadGateway ? 1 : 0;
        }

        // About half go to the dead endpoint; none of them is retried or ejected.
        Assert.InRange(failed, 1, Requests - 1);
        Assert.Equal(Requests - failed, live.RequestCount);
        Assert.Equal(0, await Retries(gateway));
    }

    [Fact]
    public async Task A_failed_attempt_or_an_aborted_upload_logs_one_short_line_without_a_stack_trace()
    {
        await using var live = await TestBackend.StartAsync("live");
        live.Handler = async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            await context.Response.WriteAsync("ok");
        };
        var logs = new CapturedLogs();

        // The levels of the shipped appsettings.json: Information, but Warning for ASP.NET Core and YARP.
        await using var gateway = await TestGateway.StartAsync(
            new
            {
                Routes = new[]
                {
                    new { Name = "dead", Matches = new[] { new { Path = "/dead" } }, Backends = new[] { "dead" } },
                    new { Name = "live", Matches = new[] { new { Path = "/live" } }, Backends = new[] { "live" } },
                },
                Backends = new Dictionary<string, object>
                {
                    ["dead"] = new { Endpoints = new[] { $"http://127.0.0.1:{ResilienceTests.UnusedPort()}" } },
                    ["live"] = new { Endpoints = new[] { live.Url } },
                },
            },
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Logging:LogLevel:Default"] = "Information",
                    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                    ["Logging:LogLevel:Yarp"] = "Warning",
                });
                builder.Logging.AddProvider(logs);
            });

        const int Failures = 20;
        var before = logs.Lines.Count;
        for (var i = 0; i < Failures; i++)
        {
            using var response = await gateway.Client.GetAsync("/dead");
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }

        // The failure is logged when the forward returns, which can be just after the client read the 502.
        await Kubernetes.Eventually.TrueAsync(() => Task.FromResult(FailureLines(logs, "'dead'").Length == Failures), "a line per failure");
        var lines = logs.Lines.Skip(before).ToArray();
        var bytes = lines.Sum(l => Encoding.UTF8.GetByteCount(l) + 1);
        output.WriteLine($"{lines.Length} log lines, {bytes} bytes for {Failures} failed requests");
        Assert.True(bytes <= 300 * Failures, $"{bytes} bytes of log for {Failures} failed requests:\n{string.Join("\n", lines)}");
        Assert.DoesNotContain(lines, l => l.Contains(" at ", StringComparison.Ordinal));
        Assert.Contains("Route 'dead', backend 'dead', endpoint 'http://127.0.0.1:", FailureLines(logs, "'dead'")[0], StringComparison.Ordinal);
        Assert.EndsWith(": Request (ConnectionRefused) ", FailureLines(logs, "'dead'")[0], StringComparison.Ordinal);

        // A client that announces 100 000 bytes, sends 10 and hangs up.
        before = logs.Lines.Count;
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, gateway.Client.BaseAddress!.Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("POST /live HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789"));
            await Kubernetes.Eventually.TrueAsync(() => Task.FromResult(live.RequestCount == 1), "the upload to reach the backend");
        }

        await Kubernetes.Eventually.TrueAsync(() => Task.FromResult(FailureLines(logs, "'live'").Length == 1), "a line for the aborted upload");
        var upload = logs.Lines.Skip(before).ToArray();
        Assert.True(upload.Sum(l => Encoding.UTF8.GetByteCount(l) + 1) <= 300, string.Join("\n", upload));
        Assert.StartsWith("Information ", FailureLines(logs, "'live'")[0], StringComparison.Ordinal);
    }

    private static string[] FailureLines(CapturedLogs logs, string route) =>
        logs.Lines.Where(l => l.Contains($"Route {route}", StringComparison.Ordinal)).ToArray();

    private static Task<double> Retries(TestGateway gateway) =>
        ObservabilityTests.ScrapeAsync(gateway, "gateway_retries_total", ("route", "connect-failover"), ("reason", "connect"));

    /// <summary>Answers the first request on <paramref name="listener"/> with "revived", as a restarted model server would.</summary>
    private static async Task AnswerOnceAsync(TcpListener listener)
    {
        using var socket = await listener.AcceptSocketAsync();
        var buffer = new byte[4096];
        var received = "";
        while (!received.Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer);
            Assert.NotEqual(0, read);
            received += Encoding.ASCII.GetString(buffer, 0, read);
        }

        await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nrevived"));
        socket.Shutdown(SocketShutdown.Both);
    }
}
