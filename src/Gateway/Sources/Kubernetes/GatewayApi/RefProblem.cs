namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>Why a reference does not resolve: a ResolvedRefs reason and a message naming the field.</summary>
internal sealed record RefProblem(string Reason, string Message);
