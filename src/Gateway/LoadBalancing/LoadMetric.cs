namespace Gateway.LoadBalancing;

/// <summary>Which part of a server's load a Prometheus series reports.</summary>
internal enum LoadMetric
{
    None,
    Waiting,
    Running,
    KvCache,
}
