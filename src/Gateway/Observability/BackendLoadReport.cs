namespace Gateway.Observability;

/// <summary>
/// A load-aware backend as <c>/routes</c> shows it: its endpoints, the age after which a reading is ignored, and the
/// requests waiting at the gateway for one of its endpoints to have room.
/// </summary>
internal sealed record BackendLoadReport(string Backend, TimeSpan StaleAfter, int Queued, IReadOnlyList<EndpointLoadReport> Endpoints);
