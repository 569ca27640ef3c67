using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Inference;

namespace Gateway.Benchmarks;

/// <summary>
/// The cost of reading the usage of one response as its bytes pass, per response: a streamed Chat Completion of 256
/// tokens (one write per event, the usage chunk last), the same as a Responses API stream (typed events, the usage in
/// <c>response.completed</c>, which repeats the whole text), and a whole Responses answer written in 4 KB pieces. Each
/// call makes the scanner a response gets, feeds it and reads the usage.
/// </summary>
[MemoryDiagnoser]
public class UsageScannerBenchmarks
{
    private const int Tokens = 256;

    private byte[][] _chatEvents = null!;
    private byte[][] _responsesEvents = null!;
    private byte[] _responsesJson = null!;

    [GlobalSetup]
    public void Setup()
    {
        var chat = new List<byte[]>();
        for (var i = 0; i < Tokens; i++)
        {
            chat.Add(Encoding.UTF8.GetBytes($$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}""" + "\n\n"));
        }

        chat.Add(Encoding.UTF8.GetBytes("""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":256,"total_tokens":286}}""" + "\n\ndata: [DONE]\n\n"));
        _chatEvents = [.. chat];

        var text = string.Concat(Enumerable.Repeat("tok ", Tokens));
        var response = $$$"""{"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"m","output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"{{{text}}}","annotations":[]}]}],"usage":{"input_tokens":30,"input_tokens_details":{"cached_tokens":0},"output_tokens":256,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":286}}""";
        var responses = new List<byte[]>
        {
            Encoding.UTF8.GetBytes("""event: response.created""" + "\n" + """data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[],"usage":null}}""" + "\n\n"),
        };
        for (var i = 0; i < Tokens; i++)
        {
            responses.Add(Encoding.UTF8.GetBytes("event: response.output_text.delta\n" + $$"""data: {"type":"response.output_text.delta","sequence_number":{{i + 1}},"item_id":"msg_1","output_index":0,"content_index":0,"delta":"tok "}""" + "\n\n"));
        }

        responses.Add(Encoding.UTF8.GetBytes("event: response.completed\n" + $"data: {{\"type\":\"response.completed\",\"sequence_number\":{Tokens + 1},\"response\":{response}}}" + "\n\n"));
        _responsesEvents = [.. responses];
        _responsesJson = Encoding.UTF8.GetBytes(response);
    }

    [Benchmark(Baseline = true)]
    public long ChatStream() => Scan(_chatEvents);

    [Benchmark]
    public long ResponsesStream() => Scan(_responsesEvents);

    [Benchmark]
    public long ResponsesJson()
    {
        var scanner = new JsonUsageScanner();
        for (var i = 0; i < _responsesJson.Length; i += 4096)
        {
            scanner.Feed(_responsesJson.AsSpan(i, Math.Min(4096, _responsesJson.Length - i)));
        }

        return scanner.TryGetUsage(out var usage) ? usage.Total : -1;
    }

    private static long Scan(byte[][] events)
    {
        var scanner = new SseUsageScanner();
        foreach (var item in events)
        {
            scanner.Feed(item);
        }

        scanner.Complete();
        return scanner.TryGetUsage(out var usage) ? usage.Total : -1;
    }
}
