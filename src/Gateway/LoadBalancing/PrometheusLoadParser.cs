using System.Buffers.Text;

namespace Gateway.LoadBalancing;

/// <summary>
/// Reads the load gauges of vLLM, TGI and Triton from a Prometheus text exposition, line by line over the bytes, without
/// regexes or strings: a scrape runs every second for every endpoint. Series of one metric with different labels (several
/// models on one server) add up; KV-cache usage takes the highest. Lines it cannot read are skipped, as Prometheus skips
/// nothing but we only need a few names.
/// </summary>
internal static class PrometheusLoadParser
{
    /// <summary>The load, or false when the text holds no queue gauge this parser knows (then the server's load is unknown).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out ServerLoad load)
    {
        double waiting = 0, running = 0, kvCache = double.NaN;
        bool hasWaiting = false, hasRunning = false;
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            if (line.IsEmpty || line[0] == (byte)'#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny((byte)'{', (byte)' ', (byte)'\t');
            if (nameEnd <= 0)
            {
                continue;
            }

            var kind = Classify(line[..nameEnd]);
            if (kind == LoadMetric.None || !TryReadValue(line[nameEnd..], out var value))
            {
                continue;
            }

            switch (kind)
            {
                case LoadMetric.Waiting:
                    waiting += value;
                    hasWaiting = true;
                    break;
                case LoadMetric.Running:
                    running += value;
                    hasRunning = true;
                    break;
                default:
                    kvCache = double.IsNaN(kvCache) ? value : Math.Max(kvCache, value);
                    break;
            }
        }

        load = new ServerLoad(waiting, hasRunning ? running : double.NaN, kvCache);
        return hasWaiting;
    }

    private static LoadMetric Classify(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("vllm:num_requests_waiting"u8) || name.SequenceEqual("tgi_queue_size"u8) || name.SequenceEqual("nv_inference_pending_request_count"u8))
        {
            return LoadMetric.Waiting;
        }

        if (name.SequenceEqual("vllm:num_requests_running"u8) || name.SequenceEqual("tgi_batch_current_size"u8))
        {
            return LoadMetric.Running;
        }

        return name.SequenceEqual("vllm:kv_cache_usage_perc"u8) || name.SequenceEqual("vllm:gpu_cache_usage_perc"u8) ? LoadMetric.KvCache : LoadMetric.None;
    }

    /// <summary>The sample value after the optional label set: <c>{a="x",b="}"} 1.5 1700000000</c> gives 1.5.</summary>
    private static bool TryReadValue(ReadOnlySpan<byte> rest, out double value)
    {
        value = 0;
        if (rest[0] == (byte)'{')
        {
            var inQuotes = false;
            var i = 1;
            for (; i < rest.Length; i++)
            {
                var c = rest[i];
                if (inQuotes && c == (byte)'\\')
                {
                    i++;
                }
                else if (c == (byte)'"')
                {
                    inQuotes = !inQuotes;
                }
                else if (!inQuotes && c == (byte)'}')
                {
                    break;
                }
            }

            if (i >= rest.Length)
            {
                return false;
            }

            rest = rest[(i + 1)..];
        }

        rest = rest.TrimStart(" \t"u8);
        var valueEnd = rest.IndexOfAny((byte)' ', (byte)'\t', (byte)'\r');
        var token = valueEnd < 0 ? rest : rest[..valueEnd];
        return Utf8Parser.TryParse(token, out value, out var consumed) && consumed == token.Length && double.IsFinite(value) && value >= 0;
    }
}
