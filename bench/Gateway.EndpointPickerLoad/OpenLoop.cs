using System.Diagnostics;

/// <summary>
/// Open-loop load: requests are sent when due, at a fixed rate, whatever the earlier ones are doing, so a slow answer
/// never delays the next send. One thread sends what is due and sleeps a millisecond; each request is timed from its
/// send to the end of its answer's body. A request is a small chat completion, as the picker reads the model from it.
/// </summary>
internal static class OpenLoop
{
    private static readonly byte[] Body = System.Text.Encoding.UTF8.GetBytes(
        """{"model":"llama-3-8b","messages":[{"role":"user","content":"Summarise the plot of a short novel in a few sentences, please."}],"max_tokens":64}""");

    public static async Task<Sample[]> RunAsync(HttpClient client, string host, double rate, TimeSpan duration)
    {
        var count = (int)(rate * duration.TotalSeconds);
        var samples = new Sample[count];
        var sends = new Task[count];
        var origin = Stopwatch.GetTimestamp();
        var sender = new Thread(() =>
        {
            for (var sent = 0; sent < count;)
            {
                var due = (int)Math.Min(count, ((Stopwatch.GetTimestamp() - origin) * rate / Stopwatch.Frequency) + 1);
                for (; sent < due; sent++)
                {
                    sends[sent] = SendAsync(client, host, samples, sent, origin + (long)(sent * Stopwatch.Frequency / rate));
                }

                Thread.Sleep(1);
            }
        })
        { IsBackground = true, Name = "open-loop " + host };
        sender.Start();
        await Task.Run(sender.Join);
        await Task.WhenAll(sends);
        return samples;
    }

    private static async Task SendAsync(HttpClient client, string host, Sample[] samples, int index, long due)
    {
        var sent = Stopwatch.GetTimestamp();
        var status = 0;
        var picked = false;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Headers = { Host = host },
                Content = new ByteArrayContent(Body) { Headers = { ContentType = new("application/json") } },
            };
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            status = (int)response.StatusCode;
            picked = body.Contains("\"x-picked\"", StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            // Counted as status 0.
        }

        samples[index] = new Sample(due, sent, Stopwatch.GetTimestamp(), status, picked);
    }
}
