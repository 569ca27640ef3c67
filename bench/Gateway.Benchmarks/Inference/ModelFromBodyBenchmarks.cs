using System.Collections.Frozen;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Inference;
using Gateway.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Benchmarks;

/// <summary>
/// The cost of reading the model from a 4 KB chat-completions body: the reader alone (model first, and model last after
/// a long conversation, since the whole top level is read either way), and the whole step before routing (the body read
/// from its stream into a pooled buffer, the model found, the header set, the body put back).
/// </summary>
[MemoryDiagnoser]
public class ModelFromBodyBenchmarks
{
    private const string Model = "meta-llama/Llama-3.1-8B-Instruct";

    private byte[] _modelFirst = null!;
    private byte[] _modelLast = null!;
    private FrozenSet<string> _known = null!;
    private ModelFromBodyMiddleware _middleware = null!;
    private DefaultHttpContext _context = null!;
    private MemoryStream _body = null!;

    [GlobalSetup]
    public void Setup()
    {
        _modelFirst = ChatBody(modelFirst: true);
        _modelLast = ChatBody(modelFirst: false);
        _known = new[] { Model }.ToFrozenSet(StringComparer.Ordinal);
        var model = new GatewayModel
        {
            Routes = [new RouteModel { Name = "llama", Matches = [new RouteMatch { Headers = [new ValueMatch(InferenceHeaders.ModelName, Model)] }] }],
        };
        var options = Options.Create(new InferenceOptions());
        var routes = new ModelFromBodyRoutes(options);
        routes.ApplyAsync(model, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _middleware = new ModelFromBodyMiddleware(_ => Task.CompletedTask, routes, options, NullLogger<ModelFromBodyMiddleware>.Instance);
        _context = new DefaultHttpContext();
        _context.Request.Method = "POST";
        _context.Request.Path = "/v1/chat/completions";
        _context.Request.ContentType = "application/json";
        _context.Request.ContentLength = _modelLast.Length;
        _body = new MemoryStream(_modelLast, writable: false);
    }

    /// <summary>A 4 KB body: a system prompt and a conversation with escapes and nested objects, sampling settings, the model.</summary>
    private static byte[] ChatBody(bool modelFirst)
    {
        var text = new StringBuilder();
        text.Append('{');
        if (modelFirst)
        {
            text.Append($"\"model\":\"{Model}\",");
        }

        text.Append("\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant. Answer \\\"briefly\\\".\\n\"}");
        for (var turn = 0; text.Length < 3_700; turn++)
        {
            text.Append($",{{\"role\":\"{(turn % 2 == 0 ? "user" : "assistant")}\",\"content\":\"Turn {turn}: {new string('w', 180)} \\u00e9 done.\"}}");
        }

        text.Append("],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}}],");
        text.Append("\"temperature\":0.7,\"top_p\":0.95,\"max_tokens\":512,\"stream\":true,\"seed\":1234567890123");
        if (!modelFirst)
        {
            text.Append($",\"model\":\"{Model}\"");
        }

        text.Append('}');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return bytes.Length is > 3_800 and < 4_400 ? bytes : throw new InvalidOperationException($"The body is {bytes.Length} bytes, not about 4 KB.");
    }

    [Benchmark(Baseline = true)]
    public string? ReadModelFirst()
    {
        ModelNameReader.Read(_modelFirst, _known, out var model, out _, out _);
        return model;
    }

    [Benchmark]
    public string? ReadModelLast()
    {
        ModelNameReader.Read(_modelLast, _known, out var model, out _, out _);
        return model;
    }

    /// <summary>A name the configuration does not know: the string is the one allocation.</summary>
    [Benchmark]
    public string? ReadUnknownModel()
    {
        ModelNameReader.Read(_modelLast, knownNames: null, out var model, out _, out _);
        return model;
    }

    /// <summary>The whole step before routing; the pooled buffer goes back as it would when the request ends.</summary>
    [Benchmark]
    public async Task Middleware()
    {
        _body.Position = 0;
        _context.Request.Body = _body;
        await _middleware.InvokeAsync(_context);
        _context.Features.Get<BufferedJsonBody>()!.Dispose();
        _context.Features.Set<BufferedJsonBody>(null);
    }
}
