namespace Gateway.Resilience;

/// <summary>
/// The settings of one backend that our YARP extension points read (health thresholds, outlier ejection, connect retry,
/// concurrency limit, connect timeout, load-aware balancing, endpoint picker), made by the translator next to the backend's YARP cluster and found by cluster
/// id in <see cref="ClusterRuntimeTable"/>.
/// </summary>
internal sealed record ClusterRuntime
{
    /// <summary>What a backend that sets none of these gets; such a cluster is left out of the table.</summary>
    public static ClusterRuntime Default { get; } = new();

    /// <summary>Good probes in a row that bring an endpoint back.</summary>
    public int HealthyThreshold { get; init; } = Model.ActiveHealthCheck.DefaultHealthyThreshold;

    /// <summary>Failed probes in a row that take an endpoint out.</summary>
    public int UnhealthyThreshold { get; init; } = Model.ActiveHealthCheck.DefaultUnhealthyThreshold;

    /// <summary>Connection failures or 5xx in a row that eject an endpoint.</summary>
    public int ConsecutiveFailures { get; init; } = Model.PassiveHealthCheck.DefaultConsecutiveFailures;

    /// <summary>Whether a request whose connection attempt failed is sent to another endpoint.</summary>
    public bool ConnectRetry { get; init; } = true;

    /// <summary>Requests in flight to the whole backend beyond which it answers 503; null for no limit.</summary>
    public int? MaxConcurrentRequests { get; init; }

    /// <summary>Connect timeout of the backend's HTTP client.</summary>
    public TimeSpan ConnectTimeout { get; init; } = GatewayHttpClientFactory.DefaultConnectTimeout;

    /// <summary>Set when the backend balances by its model servers' load: where to read it and when to queue.</summary>
    public Model.LoadAwareSettings? LoadAware { get; init; }

    /// <summary>Set for an InferencePool backend: the picker each request asks for its endpoint.</summary>
    public Model.EndpointPicker? EndpointPicker { get; init; }
}
