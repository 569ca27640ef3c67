using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests;

public sealed class ReloadTests : TwoBackendTest
{
    private object Section(string backend, string prefix = "/m") => new
    {
        Routes = new object[] { new { Name = "model", Matches = new[] { new { Path = prefix } }, Backends = new[] { backend } } },
        Backends,
    };

    private static async Task<string> BackendAt(TestGateway gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await BackendEcho.ReadAsync(response)).Backend;
    }

    [Fact]
    public async Task Editing_appsettings_reroutes_without_restart()
    {
        await using var gateway = await TestGateway.StartAsync(Section("a"));
        Assert.Equal("a", await BackendAt(gateway, "/m/x"));

        var config = await gateway.ReloadAsync(Section("b"));

        Assert.Null(config["lastRejected"]);
        Assert.Equal(2, (int)config["generation"]!);
        Assert.Equal("b", await BackendAt(gateway, "/m/x"));
    }

    public static TheoryData<string, string, string> BadRoutes => new()
    {
        { """{ "Name": "model", "Matches": [ { "Path": "/m" } ], "Backends": [ "missing" ] }""", "route 'model'", "Backends[0].Name" },
        { """{ "Name": "model", "Matches": [ { "Path": { "Type": "RegularExpression", "Value": "/m/(unclosed" } } ], "Backends": [ "a" ] }""", "route 'model'", "Matches[0].Path.Value" },
        { """{ "Name": "model", "Matches": [ { "Path": "" } ], "Backends": [ "a" ] }""", "route 'model'", "Matches[0].Path.Value" },
        { """{ "Name": "model", "Matches": [ { "Path": "m" } ], "Backends": [ "a" ] }""", "route 'model'", "Matches[0].Path.Value" },
        { """{ "Name": "model", "Backends": [ { "Name": "a", "Weight": -5 } ] }""", "route 'model'", "Backends[0].Weight" },
        { """{ "Name": "model", "Backends": [ { "Name": "a", "Weight": "heavy" } ] }""", "route 'model'", "Backends[0].Weight" },
        { """{ "Name": "model", "Matches": [ { "Prefx": "/m" } ], "Backends": [ "a" ] }""", "route 'model'", "Matches[0].Prefx" },
        { """{ "Name": "model", "Backends": [ "a" ], "Timeout": "soon" }""", "route 'model'", "Timeout" },
        { """{ "Name": "model", "Backends": [ "a" ], "Filters": { "Redirect": { "StatusCode": 200 } } }""", "route 'model'", "Filters.Redirect.StatusCode" },
        { """{ "Name": "model", "Hostnames": [ "http://x.example.com" ], "Backends": [ "a" ] }""", "route 'model'", "Hostnames[0]" },
        { """{ "Name": "model", "Matches": [ { "Path": "/m" } ], "Backends": [ "a" ] }, { "Name": "model", "Backends": [ "b" ] }""", "route 'model'", "Name" },
        { """{ "Matches": [ { "Path": "/m" } ], "Backends": [ "a" ] }""", "route #0", "Name" },
    };

    [Theory]
    [MemberData(nameof(BadRoutes))]
    public async Task A_bad_change_is_rejected_with_the_route_and_field_and_the_previous_config_keeps_serving(string routesJson, string obj, string field)
    {
        await using var gateway = await TestGateway.StartAsync(Section("a"));
        var backends = $$"""{ "a": { "Endpoints": [ "{{A.Url}}" ] }, "b": { "Endpoints": [ "{{B.Url}}" ] } }""";

        var config = await gateway.WriteAndWaitAsync(gateway.AppSettingsPath, $$"""{ "Gateway": { "Routes": [ {{routesJson}} ], "Backends": {{backends}} } }""");

        var problems = config["lastRejected"]!["details"]!.AsArray();
        Assert.Contains(problems, p => (string)p!["object"]! == obj && (string)p["field"]! == field);
        Assert.Equal(1, (int)config["generation"]!);
        Assert.Equal("a", await BackendAt(gateway, "/m/x"));
    }

    [Theory]
    [InlineData("""{ "Gateway": { "Routes": [ """, "is not valid JSON")]
    [InlineData("""{ "Gateway": { "Backends": { "a": { "Endpoints": [ "http://127.0.0.1:1" ] } }, "Backends": { "a": { "Endpoints": [ "http://127.0.0.1:2" ] } } } }""", "duplicate key")]
    public async Task Malformed_json_is_rejected_and_the_previous_config_keeps_serving(string content, string expected)
    {
        await using var gateway = await TestGateway.StartAsync(Section("a"));

        var config = await gateway.WriteAndWaitAsync(gateway.AppSettingsPath, content);

        var problem = (string)config["lastRejected"]!["problems"]![0]!;
        Assert.StartsWith("appsettings.json: file:", problem);
        Assert.Contains(expected, problem, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("a", await BackendAt(gateway, "/m/x"));

        var fixedConfig = await gateway.ReloadAsync(Section("b"));
        Assert.Null(fixedConfig["lastRejected"]);
        Assert.Equal("b", await BackendAt(gateway, "/m/x"));
    }

    [Fact]
    public async Task A_change_only_the_route_runtime_sees_applies_on_reload()
    {
        // The method is checked by the gateway, not by YARP's route match, so YARP's route config differs only in the
        // runtime's revision; without it YARP would keep the old endpoint and still serve GET.
        await using var gateway = await TestGateway.StartAsync(Section("a"));
        Assert.Equal("a", await BackendAt(gateway, "/m/x"));

        var config = await gateway.ReloadAsync(new
        {
            Routes = new object[] { new { Name = "model", Matches = new[] { new { Path = "/m", Method = "POST" } }, Backends = new[] { "a" } } },
            Backends,
        });

        Assert.Null(config["lastRejected"]);
        using (var get = await gateway.Client.GetAsync("/m/x"))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        using var post = await gateway.Client.PostAsync("/m/x", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("a", (await BackendEcho.ReadAsync(post)).Backend);
    }

    [Fact]
    public async Task A_streaming_response_that_spans_a_reload_completes()
    {
        var releaseSecondHalf = new TaskCompletionSource();
        A.Handler = async context =>
        {
            await context.Response.WriteAsync(new string('x', 1000));
            await context.Response.Body.FlushAsync();
            await releaseSecondHalf.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await context.Response.WriteAsync(new string('y', 1000));
        };
        await using var gateway = await TestGateway.StartAsync(Section("a"));

        using var response = await gateway.Client.GetAsync("/m/stream", HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1000];
        await body.ReadExactlyAsync(buffer);

        await gateway.ReloadAsync(Section("b", prefix: "/other"));
        using (var afterReload = await gateway.Client.GetAsync("/m/stream"))
        {
            Assert.Equal(HttpStatusCode.NotFound, afterReload.StatusCode);
        }

        releaseSecondHalf.SetResult();
        var rest = await new StreamReader(body).ReadToEndAsync();
        Assert.Equal(new string('y', 1000), rest);
    }

    [Fact]
    public async Task The_config_file_overrides_appsettings_and_reloads()
    {
        var configFile = Path.Combine(Path.GetTempPath(), $"gateway-configmap-{Guid.NewGuid():N}.json");
        var backends = $$"""{ "a": { "Endpoints": [ "{{A.Url}}" ] }, "b": { "Endpoints": [ "{{B.Url}}" ] } }""";
        await File.WriteAllTextAsync(configFile, $$"""{ "Routes": [ { "Name": "model", "Matches": [ { "Path": "/m" } ], "Backends": [ "b" ] } ], "Backends": {{backends}} }""");
        try
        {
            await using var gateway = await TestGateway.StartAsync(Section("a"), $"--Gateway:ConfigFile={configFile}", "--Gateway:ConfigFilePollInterval=00:00:00.100");
            Assert.Equal("b", await BackendAt(gateway, "/m/x"));

            var added = await gateway.WriteAndWaitAsync(configFile, $$"""{ "Routes": [ { "Name": "model", "Matches": [ { "Path": "/m" } ], "Backends": [ "b" ] }, { "Name": "extra", "Matches": [ { "Path": "/extra" } ], "Backends": [ "a" ] } ], "Backends": {{backends}} }""");
            Assert.Null(added["lastRejected"]);
            Assert.Equal("a", await BackendAt(gateway, "/extra"));

            var rejected = await gateway.WriteAndWaitAsync(configFile, """{ "Routes": [ { "Name": "model", "Backends": [ "nope" ] } ], "Listen": { "Http": "http://0.0.0.0:1" } }""");
            var problems = rejected["lastRejected"]!["problems"]!.AsArray().Select(p => (string)p!).ToArray();
            Assert.Contains(problems, p => p.Contains("field 'Listen': is a process setting", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("backend 'nope' is not defined", StringComparison.Ordinal));
            Assert.Equal("b", await BackendAt(gateway, "/m/x"));
            Assert.Equal("a", await BackendAt(gateway, "/extra"));
        }
        finally
        {
            File.Delete(configFile);
        }
    }

    [Fact]
    public async Task Requests_keep_succeeding_while_the_config_is_reloaded_repeatedly()
    {
        await using var gateway = await TestGateway.StartAsync(Section("a"));
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var successes = 0;
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await gateway.Client.GetAsync("/m/x");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref successes);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        for (var i = 0; i < 6; i++)
        {
            await gateway.ReloadAsync(Section(i % 2 == 0 ? "b" : "a"));
        }

        stop.Cancel();
        await load;
        Assert.Equal(0, failures);
        Assert.True(successes > 0);
        Assert.Equal(7, (int)(await gateway.GetConfigAsync())["generation"]!);
    }
}
