using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Observability;

/// <summary>
/// Writes one JSON line per sampled request. Requests only enqueue; a background writer does the I/O, and when it
/// falls behind, lines are dropped (and counted in a warning) rather than slowing traffic down.
/// </summary>
internal sealed partial class AccessLog(IOptions<AccessLogOptions> options, ILogger<AccessLog> logger) : BackgroundService
{
    private readonly Channel<byte[]> _lines = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly AccessLogOptions _options = options.Value;
    private long _dropped;

    public bool Enabled => _options.Enabled;

    /// <summary>Decides whether this request is logged, honouring the sample rate.</summary>
    public bool ShouldLog() => _options.Enabled && (_options.SampleRate >= 1 || Random.Shared.NextDouble() < _options.SampleRate);

    public void Write(in AccessLogEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", entry.Time);
            json.WriteString("method", entry.Method);
            json.WriteString("path", entry.Path);
            json.WriteString("route", entry.Route);
            json.WriteString("backend", entry.Backend);
            json.WriteString("variant", entry.Backend);
            json.WriteNumber("status", entry.Status);
            json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 3));
            if (entry.UpstreamDuration is { } upstream)
            {
                json.WriteNumber("upstream_ms", Math.Round(upstream.TotalMilliseconds, 3));
            }

            json.WriteString("client_ip", entry.ClientIp);
            json.WriteString("trace_id", entry.TraceId);
            if (entry.Caller is { } caller)
            {
                json.WriteString("caller", caller);
            }

            if (entry.Model is { } model)
            {
                json.WriteString("model", model);
            }

            if (entry.ModelVariant is { } modelVariant)
            {
                json.WriteString("model_variant", modelVariant);
            }

            if (entry.PromptTokens is { } promptTokens)
            {
                json.WriteNumber("prompt_tokens", promptTokens);
            }

            if (entry.CompletionTokens is { } completionTokens)
            {
                json.WriteNumber("completion_tokens", completionTokens);
            }

            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        if (!_lines.Writer.TryWrite(buffer.WrittenSpan.ToArray()))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        await using var output = _options.Path is { } path
            ? new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 64 * 1024, useAsync: true)
            : Console.OpenStandardOutput();
        try
        {
            while (await _lines.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    await output.WriteAsync(line, stoppingToken);
                }

                await output.FlushAsync(stoppingToken);
                if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
                {
                    LogDropped(logger, dropped);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is queued is flushed below.
        }

        while (_lines.Reader.TryRead(out var rest))
        {
            await output.WriteAsync(rest, CancellationToken.None);
        }

        await output.FlushAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The access log fell behind and dropped {Count} lines")]
    private static partial void LogDropped(ILogger logger, long count);
}
