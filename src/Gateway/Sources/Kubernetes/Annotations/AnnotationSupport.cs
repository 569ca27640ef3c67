namespace Gateway.Sources.Kubernetes.Annotations;

/// <summary>What the gateway does with one ingress-nginx annotation.</summary>
internal enum AnnotationSupport
{
    /// <summary>Honoured with ingress-nginx's semantics (differences are in docs/ingress-nginx.md).</summary>
    Supported,

    /// <summary>Not implemented and harmless to skip (logging, buffering, tuning): reported as a warning, the Ingress is served.</summary>
    Ignored,

    /// <summary>
    /// Not implemented, and serving without it could expose or break what the annotation protects (authentication,
    /// snippets of nginx code, TLS passthrough): reported, and the Ingress is not served.
    /// </summary>
    Refused,
}
