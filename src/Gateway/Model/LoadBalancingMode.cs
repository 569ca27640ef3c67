namespace Gateway.Model;

internal enum LoadBalancingMode
{
    /// <summary>Power of two choices: the less busy of two random endpoints (Envoy's LEAST_REQUEST).</summary>
    LeastRequests,
    RoundRobin,
    Random,

    /// <summary>The same key (header, cookie or client address) keeps going to the same endpoint while the endpoints do not change.</summary>
    ConsistentHash,

    /// <summary>
    /// For model servers: the endpoint with the least load, from the requests in flight to it and the queue and KV cache
    /// it reports on its Prometheus endpoint; when every endpoint is saturated requests queue at the gateway.
    /// </summary>
    LoadAware,
}
