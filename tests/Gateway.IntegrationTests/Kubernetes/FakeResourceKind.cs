namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>A kind the fake API server serves: its URL plural, apiVersion and kind.</summary>
internal sealed record FakeResourceKind(string Plural, string ApiVersion, string Kind);
