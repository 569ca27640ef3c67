using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>Condition types and reasons of the Gateway API status, and a builder that stamps the object's generation.</summary>
internal static class GatewayApiConditions
{
    public const string Accepted = "Accepted";
    public const string Programmed = "Programmed";
    public const string ResolvedRefs = "ResolvedRefs";

    public const string NoMatchingParent = "NoMatchingParent";
    public const string NotAllowedByListeners = "NotAllowedByListeners";
    public const string NoMatchingListenerHostname = "NoMatchingListenerHostname";
    public const string UnsupportedValue = "UnsupportedValue";
    public const string UnsupportedProtocol = "UnsupportedProtocol";
    public const string BackendNotFound = "BackendNotFound";
    public const string RefNotPermitted = "RefNotPermitted";
    public const string InvalidKind = "InvalidKind";
    public const string InvalidCertificateRef = "InvalidCertificateRef";
    public const string InvalidRouteKinds = "InvalidRouteKinds";
    public const string Invalid = "Invalid";

    public static V1Condition Condition(string type, bool status, string reason, string message, long? generation) => new()
    {
        Type = type,
        Status = status ? "True" : "False",
        Reason = reason,
        Message = message,
        ObservedGeneration = generation,
    };
}
