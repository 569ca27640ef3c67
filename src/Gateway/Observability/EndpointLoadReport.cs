namespace Gateway.Observability;

/// <summary>
/// One endpoint of a load-aware backend as <c>/routes</c> shows it: the requests this gateway has in flight to it, and
/// what its server last reported (NaN for a figure it did not report, or before the first reading) with the reading's
/// age (null before the first). A stale reading, or none, is one the picker ignores, scoring the endpoint by its
/// in-flight count alone.
/// </summary>
internal sealed record EndpointLoadReport(string Address, int InFlight, double Waiting, double Running, double KvCacheUsage, TimeSpan? Age, bool Stale);
