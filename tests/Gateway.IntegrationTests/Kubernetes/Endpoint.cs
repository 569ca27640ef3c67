namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>One endpoint of an EndpointSlice: a pod address and its conditions.</summary>
public sealed record Endpoint(string Address = "127.0.0.1", bool Ready = true, bool Terminating = false)
{
    public static Endpoint ReadyPod { get; } = new();

    public static Endpoint TerminatingPod { get; } = new(Ready: false, Terminating: true);
}
