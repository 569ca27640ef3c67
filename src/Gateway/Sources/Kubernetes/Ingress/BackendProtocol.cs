namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>ingress-nginx <c>backend-protocol</c> values the gateway proxies with.</summary>
internal enum BackendProtocol
{
    Http,
    Https,

    /// <summary>HTTP/2 without TLS (h2c, prior knowledge), as gRPC servers listen.</summary>
    Grpc,

    /// <summary>HTTP/2 over TLS.</summary>
    Grpcs,
}
