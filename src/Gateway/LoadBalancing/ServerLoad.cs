namespace Gateway.LoadBalancing;

/// <summary>
/// The load a model server reports: requests waiting in its queue, requests in its running batch (NaN when the server
/// does not say) and KV-cache usage from 0 to 1 (NaN when it does not say).
/// </summary>
internal readonly record struct ServerLoad(double Waiting, double Running, double KvCacheUsage);
