using System.Collections.Immutable;
using Gateway.Model;
using static Gateway.Sources.Kubernetes.GatewayApi.GatewayApiConditions;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// Checks the listeners of one of our Gateways: HTTP and HTTPS (terminated here) are served on the gateway's own proxy
/// listeners, whatever port they name; an HTTPS listener's certificateRefs become <see cref="TlsBinding"/>s.
/// </summary>
internal static class GatewayListeners
{
    private static readonly RouteGroupKind HttpRouteKind = new() { Group = GatewayApiGroup.Name, Kind = "HTTPRoute" };

    public static List<ListenerState> Read(GatewayObject gateway, ReferenceGrants grants, string source, ImmutableArray<TlsBinding>.Builder bindings)
    {
        var generation = gateway.Metadata.Generation;
        var ns = gateway.Metadata.NamespaceProperty;
        var result = new List<ListenerState>();
        foreach (var listener in gateway.Spec.Listeners ?? [])
        {
            var state = new ListenerState(gateway, listener) { SupportedKinds = [HttpRouteKind] };
            result.Add(state);
            if (listener.Protocol is not ("HTTP" or "HTTPS"))
            {
                state.NotAccepted = Condition(Accepted, false, UnsupportedProtocol, $"protocol '{listener.Protocol}' is not supported; use HTTP or HTTPS", generation);
                continue;
            }

            if (listener.AllowedRoutes?.Kinds is { Count: > 0 } kinds)
            {
                var supported = kinds.Where(k => (k.Group ?? GatewayApiGroup.Name) == GatewayApiGroup.Name && k.Kind == "HTTPRoute").ToArray();
                state.SupportedKinds = supported.Length == 0 ? [] : [HttpRouteKind];
                if (supported.Length != kinds.Count)
                {
                    state.UnresolvedRefs = Condition(ResolvedRefs, false, InvalidRouteKinds, "only HTTPRoute (gateway.networking.k8s.io) is supported in allowedRoutes.kinds", generation);
                }
            }

            if (listener.Protocol == "HTTPS")
            {
                ReadTls(state, ns, grants, source, bindings);
            }
        }

        return result;
    }

    private static void ReadTls(ListenerState state, string ns, ReferenceGrants grants, string source, ImmutableArray<TlsBinding>.Builder bindings)
    {
        var listener = state.Listener;
        var generation = state.Gateway.Metadata.Generation;
        if (listener.Tls?.Mode is { } mode && mode != "Terminate")
        {
            state.NotAccepted = Condition(Accepted, false, UnsupportedValue, $"tls.mode '{mode}' is not supported; TLS is terminated at the gateway (Terminate)", generation);
            return;
        }

        var refs = listener.Tls?.CertificateRefs ?? [];
        if (refs.Count == 0)
        {
            state.UnresolvedRefs = Condition(ResolvedRefs, false, InvalidCertificateRef, "an HTTPS listener needs tls.certificateRefs naming a Secret of type kubernetes.io/tls", generation);
            return;
        }

        var found = new List<TlsBinding>();
        foreach (var certificate in refs)
        {
            var secretNamespace = string.IsNullOrEmpty(certificate.Namespace) ? ns : certificate.Namespace;
            if (!string.IsNullOrEmpty(certificate.Group) || (certificate.Kind ?? "Secret") != "Secret")
            {
                state.UnresolvedRefs = Condition(ResolvedRefs, false, InvalidCertificateRef, $"certificateRef '{certificate.Name}' is a {certificate.Kind}; refer to a Secret", generation);
                return;
            }

            if (!grants.Permits(GatewayApiGroup.Name, "Gateway", ns, "", "Secret", secretNamespace, certificate.Name))
            {
                state.UnresolvedRefs = Condition(ResolvedRefs, false, RefNotPermitted, $"Secret '{secretNamespace}/{certificate.Name}' is in another namespace and no ReferenceGrant there allows Gateways from '{ns}'", generation);
                return;
            }

            found.Add(new TlsBinding
            {
                Hostnames = string.IsNullOrEmpty(listener.Hostname) ? [] : [listener.Hostname],
                SecretNamespace = secretNamespace,
                SecretName = certificate.Name,
                Source = source,
            });
        }

        bindings.AddRange(found);
    }
}
