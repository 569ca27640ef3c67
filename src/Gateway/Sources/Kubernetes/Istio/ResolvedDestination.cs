using Gateway.Model;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>A VirtualService destination as a model backend, with the load balancing its DestinationRule gives it.</summary>
internal sealed record ResolvedDestination(string Backend, LoadBalancingPolicy? LoadBalancing);
