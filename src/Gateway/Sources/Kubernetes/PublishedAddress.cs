namespace Gateway.Sources.Kubernetes;

/// <summary>One address clients reach the gateway at, as written to Ingress and Gateway status.</summary>
internal sealed record PublishedAddress(bool IsIp, string Value);
