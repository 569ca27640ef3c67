namespace Gateway.ModelServerSimulator;

/// <summary>How one simulated model server behaves: its batch size, its speed and the model it serves.</summary>
public sealed record SimulatorOptions
{
    /// <summary>The model the server answers for; a request naming another model gets 404, as vLLM answers.</summary>
    public string ModelName { get; init; } = "sim-model";

    /// <summary>Requests generated at once (the running batch); the rest wait in the server's queue.</summary>
    public int MaxRunning { get; init; } = 8;

    /// <summary>Time to generate one output token at speed 1.</summary>
    public TimeSpan TimePerOutputToken { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Time to read one prompt token before the first output token (prefill) at speed 1.</summary>
    public TimeSpan PrefillTimePerPromptToken { get; init; } = TimeSpan.FromMilliseconds(0.1);

    /// <summary>1 is nominal; 0.5 runs every step twice as long (a slower GPU).</summary>
    public double SpeedFactor { get; init; } = 1.0;

    /// <summary>Output tokens when the request gives no <c>max_tokens</c>.</summary>
    public int DefaultMaxTokens { get; init; } = 16;

    /// <summary>Tokens the KV cache holds; <c>vllm:kv_cache_usage_perc</c> is the running requests' tokens over this.</summary>
    public int KvCacheTokens { get; init; } = 16_384;

    /// <summary>False answers 404 on <c>/metrics</c>, as a server without a Prometheus endpoint.</summary>
    public bool ExposeMetrics { get; init; } = true;

    /// <summary>Clock of every delay; tests may pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>A step's duration at this server's speed.</summary>
    internal TimeSpan Scaled(TimeSpan nominal, int count) => TimeSpan.FromTicks((long)(nominal.Ticks * count / SpeedFactor));
}
