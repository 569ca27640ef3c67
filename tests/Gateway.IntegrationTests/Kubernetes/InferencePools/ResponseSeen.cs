namespace Gateway.IntegrationTests.Kubernetes.InferencePools;

/// <summary>
/// What a <see cref="FakeEndpointPicker"/> was sent of one response: the endpoint reported as having served it, the
/// response headers (<c>:status</c> included), the body chunks joined, and whether the last message ended the stream.
/// All empty when the gateway sent no response phase.
/// </summary>
public sealed record ResponseSeen
{
    public string? Served { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public string Body { get; init; } = "";

    public bool EndOfStream { get; init; }
}
