namespace Gateway.Resilience;

/// <summary>Keys of <c>ClusterConfig.Metadata</c> through which the translator hands a backend's settings to our YARP policies.</summary>
internal static class ClusterMetadataKeys
{
    /// <summary>Good probes in a row that bring an endpoint back.</summary>
    public const string HealthyThreshold = "Gateway.HealthyThreshold";

    /// <summary>Failed probes in a row that take an endpoint out.</summary>
    public const string UnhealthyThreshold = "Gateway.UnhealthyThreshold";

    /// <summary>Connection failures or 5xx in a row that eject an endpoint.</summary>
    public const string ConsecutiveFailures = "Gateway.ConsecutiveFailures";

    /// <summary>Present (<c>false</c>) when a request whose connection attempt failed must not be sent to another endpoint.</summary>
    public const string ConnectRetry = "Gateway.ConnectRetry";

    /// <summary>Requests in flight to the whole backend beyond which it answers 503.</summary>
    public const string MaxConcurrentRequests = "Gateway.MaxConcurrentRequests";

    /// <summary>Connect timeout of the backend's HTTP client, as a TimeSpan string.</summary>
    public const string ConnectTimeout = "Gateway.ConnectTimeout";
}
