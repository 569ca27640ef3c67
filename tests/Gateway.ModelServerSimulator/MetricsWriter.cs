using System.Globalization;
using System.Text;

namespace Gateway.ModelServerSimulator;

/// <summary>The server's load in the Prometheus text format under vLLM's metric names.</summary>
internal static class MetricsWriter
{
    public static string Write(string model, int waiting, int running, double kvCacheUsage)
    {
        var text = new StringBuilder();
        Gauge(text, "vllm:num_requests_running", "Number of requests in model execution batches.", model, running);
        Gauge(text, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", model, waiting);
        Gauge(text, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", model, kvCacheUsage);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, string model, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name}{{model_name=\"{model}\"}} {value:0.0###}\n");
}
