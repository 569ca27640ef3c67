using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Model.Store;

namespace Gateway.IntegrationTests.Inference;

/// <summary>A public model served by weighted real models: the body the backend gets, the shares, stickiness, metrics and log.</summary>
public sealed class ModelCanaryTests : IAsyncLifetime
{
    private const string Prefix = """{"messages":[{"role":"user","content":"hi \"there\""}],"model":""";
    private const string Suffix = ""","stream":false}""";

    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await BodyEcho.StartAsync("vllm");

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private object Section(object? sticky = null) => new
    {
        Routes = new object[]
        {
            new
            {
                Name = "llama-3",
                Matches = new[] { new { Path = "/v1", Headers = new[] { new { Name = BodyEcho.ModelHeader, Value = "llama-3" } } } },
                Backends = new[] { "vllm" },
                ModelCanary = new Dictionary<string, object?>
                {
                    ["Variants"] = new[] { new { Model = "llama-3.1-8b", Weight = 90 }, new { Model = "llama-3.2-8b", Weight = 10 } },
                    ["StickyHeader"] = sticky,
                },
            },
        },
        Backends = new Dictionary<string, object> { ["vllm"] = new { Endpoints = new[] { _backend.Url } } },
    };

    private static HttpRequestMessage Chat(string model = "llama-3", string? user = null)
    {
        var request = BodyEcho.Post("/v1/chat/completions", Prefix + $"\"{model}\"" + Suffix);
        if (user is not null)
        {
            request.Headers.Add("x-user", user);
        }

        return request;
    }

    /// <summary>Sends the request and returns the model the backend's body named, after checking every other byte is as sent.</summary>
    private static async Task<string> ServedModelAsync(TestGateway gateway, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var received = await BodyEcho.Received.ReadAsync(response);
            var body = Encoding.UTF8.GetString(received.Body);
            Assert.StartsWith(Prefix + "\"", body);
            Assert.EndsWith("\"" + Suffix, body);
            Assert.Equal(received.Body.Length.ToString(), received.ContentLength);
            return body[(Prefix.Length + 1)..^(Suffix.Length + 1)];
        }
    }

    [Fact]
    public async Task A_90_10_model_split_rewrites_the_body_by_weight_and_counts_each_variant()
    {
        var measured = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ModelStore.MeterName && instrument.Name == "gateway.model.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var labels = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                labels[tag.Key] = tag.Value as string;
            }

            measured.AddOrUpdate($"{labels["route"]}/{labels["model"]}/{labels["variant"]}", value, (_, n) => n + value);
        });
        listener.Start();
        await using var gateway = await TestGateway.StartAsync(Section());

        var counts = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
            counts.AddOrUpdate(await ServedModelAsync(gateway, Chat()), 1, (_, n) => n + 1));

        Assert.Equal(["llama-3.1-8b", "llama-3.2-8b"], counts.Keys.Order());
        Assert.InRange(counts["llama-3.2-8b"], 60, 140);
        Assert.Equal(counts["llama-3.1-8b"], measured.GetValueOrDefault("llama-3/llama-3/llama-3.1-8b"));
        Assert.Equal(counts["llama-3.2-8b"], measured.GetValueOrDefault("llama-3/llama-3/llama-3.2-8b"));
    }

    [Fact]
    public async Task A_caller_with_the_sticky_header_keeps_its_model()
    {
        await using var gateway = await TestGateway.StartAsync(Section(sticky: "x-user"));

        var byUser = new Dictionary<string, HashSet<string>>();
        for (var user = 0; user < 100; user++)
        {
            var served = byUser[$"user-{user}"] = [];
            for (var i = 0; i < 3; i++)
            {
                served.Add(await ServedModelAsync(gateway, Chat(user: $"user-{user}")));
            }
        }

        Assert.All(byUser.Values, served => Assert.Single(served));
        var onCanary = byUser.Values.Count(served => served.Contains("llama-3.2-8b"));
        Assert.InRange(onCanary, 2, 25);
    }

    [Fact]
    public async Task The_access_log_names_the_requested_model_and_the_variant()
    {
        var logFile = Path.Combine(Path.GetTempPath(), $"gateway-access-{Guid.NewGuid():N}.log");
        try
        {
            string served;
            await using (var gateway = await TestGateway.StartAsync(Section(), "--Gateway:AccessLog:Enabled=true", $"--Gateway:AccessLog:Path={logFile}"))
            {
                served = await ServedModelAsync(gateway, Chat());
            }

            var line = JsonNode.Parse((await File.ReadAllLinesAsync(logFile)).Single())!;
            Assert.Equal("llama-3", (string)line["model"]!);
            Assert.Equal(served, (string)line["model_variant"]!);
            Assert.Equal("llama-3", (string)line["route"]!);
        }
        finally
        {
            File.Delete(logFile);
        }
    }

    [Fact]
    public async Task Invalid_variants_are_refused_naming_the_route_and_field_and_the_last_good_config_keeps_serving()
    {
        await using var gateway = await TestGateway.StartAsync(Section());
        var bad = new
        {
            Routes = new object[]
            {
                new
                {
                    Name = "llama-3",
                    Matches = new[] { new { Path = "/v1" } },
                    Backends = new[] { "vllm" },
                    ModelCanary = new { Variants = new[] { new { Model = "a", Weight = -1 }, new { Model = "a", Weight = 0 } } },
                },
            },
            Backends = new Dictionary<string, object> { ["vllm"] = new { Endpoints = new[] { _backend.Url } } },
        };

        var config = await gateway.ReloadAsync(bad);

        var problems = config["lastRejected"]!["details"]!.AsArray()
            .Select(p => ((string)p!["object"]!, (string)p["field"]!, (string)p["message"]!))
            .ToList();
        Assert.All(problems, p => Assert.Equal("route 'llama-3'", p.Item1));
        Assert.Contains(problems, p => p.Item2 == "ModelCanary.Variants[0].Weight" && p.Item3 == "-1 must be 0 or more");
        Assert.Contains(problems, p => p.Item2 == "ModelCanary.Variants[1].Model" && p.Item3.Contains("listed twice"));
        Assert.Contains(problems, p => p.Item2 == "ModelCanary.Variants" && p.Item3.Contains("weights add up to 0"));
        Assert.StartsWith("llama-3.", await ServedModelAsync(gateway, Chat()));
    }
}
