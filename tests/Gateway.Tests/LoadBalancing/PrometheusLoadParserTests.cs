using System.Text;
using Gateway.LoadBalancing;

namespace Gateway.Tests.LoadBalancing;

public sealed class PrometheusLoadParserTests
{
    private static ServerLoad Parse(string text)
    {
        Assert.True(PrometheusLoadParser.TryParse(Encoding.UTF8.GetBytes(text), out var load));
        return load;
    }

    [Fact]
    public void Reads_vllm_queue_batch_and_kv_cache_among_other_series()
    {
        var load = Parse("""
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="llama"} 7.0
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_waiting{engine="0",model_name="llama"} 3.0
        vllm:num_requests_waiting_by_reason{reason="capacity"} 99
        vllm:kv_cache_usage_perc{engine="0",model_name="llama"} 0.42
        vllm:prompt_tokens_total{model_name="llama"} 123456
        process_cpu_seconds_total 12.5
        """);

        Assert.Equal(new ServerLoad(3, 7, 0.42), load);
    }

    [Fact]
    public void Reads_the_kv_cache_name_of_older_vllm_releases_and_takes_the_highest_of_several_models()
    {
        var load = Parse("vllm:num_requests_waiting{model_name=\"a\"} 1\nvllm:num_requests_waiting{model_name=\"b\"} 2\nvllm:gpu_cache_usage_perc{model_name=\"a\"} 0.3\nvllm:gpu_cache_usage_perc{model_name=\"b\"} 0.8\n");

        Assert.Equal(3, load.Waiting);
        Assert.Equal(0.8, load.KvCacheUsage);
        Assert.True(double.IsNaN(load.Running));
    }

    [Fact]
    public void Reads_tgi_and_triton_queues()
    {
        Assert.Equal(new ServerLoad(4, 2, double.NaN), Parse("tgi_queue_size 4\ntgi_batch_current_size 2\n"));
        var triton = Parse("nv_inference_pending_request_count{model=\"a\",version=\"1\"} 5\r\nnv_inference_pending_request_count{model=\"b\",version=\"1\"} 6 1700000000000\r\n");
        Assert.Equal(11, triton.Waiting);
    }

    [Fact]
    public void Label_values_with_braces_quotes_and_spaces_do_not_end_the_label_set_early()
    {
        var load = Parse("vllm:num_requests_waiting{model_name=\"weird } \\\" name\",x=\"a b\"} 9\n");

        Assert.Equal(9, load.Waiting);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only comments\n# TYPE vllm:num_requests_waiting gauge\n")]
    [InlineData("vllm:num_requests_running 3\nvllm:kv_cache_usage_perc 0.5\n")]
    [InlineData("vllm:num_requests_waiting\n")]
    [InlineData("vllm:num_requests_waiting{model_name=\"a\" 3\n")]
    [InlineData("vllm:num_requests_waiting{model_name=\"a\"} three\n")]
    [InlineData("vllm:num_requests_waiting NaN\nvllm:num_requests_waiting +Inf\nvllm:num_requests_waiting -1\n")]
    [InlineData("<html><body>Not Found</body></html>")]
    [InlineData("\0\0\0{{{}}} \"\n")]
    public void Malformed_or_unrelated_text_gives_no_load(string text)
    {
        Assert.False(PrometheusLoadParser.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void A_malformed_line_is_skipped_and_the_good_ones_still_count()
    {
        var load = Parse("vllm:num_requests_waiting{model_name=\"a\"} oops\nvllm:num_requests_waiting{model_name=\"b\"} 2\nvllm:kv_cache_usage_perc\n");

        Assert.Equal(2, load.Waiting);
        Assert.True(double.IsNaN(load.KvCacheUsage));
    }
}
