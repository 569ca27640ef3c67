namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>The ReferenceGrants in force: whether an object may refer to one in another namespace.</summary>
internal sealed class ReferenceGrants(IEnumerable<ReferenceGrantObject> grants)
{
    private readonly ReferenceGrantObject[] _grants = [.. grants];

    /// <summary>Whether a <paramref name="fromKind"/> in <paramref name="fromNamespace"/> may refer to <paramref name="toKind"/> <paramref name="toName"/> in <paramref name="toNamespace"/>.</summary>
    public bool Permits(string fromGroup, string fromKind, string fromNamespace, string toGroup, string toKind, string toNamespace, string toName)
    {
        if (fromNamespace == toNamespace)
        {
            return true;
        }

        foreach (var grant in _grants)
        {
            if (grant.Metadata.NamespaceProperty != toNamespace)
            {
                continue;
            }

            var from = grant.Spec.From?.Any(f => f.Group == fromGroup && f.Kind == fromKind && f.Namespace == fromNamespace) == true;
            var to = grant.Spec.To?.Any(t => t.Group == toGroup && t.Kind == toKind && (string.IsNullOrEmpty(t.Name) || t.Name == toName)) == true;
            if (from && to)
            {
                return true;
            }
        }

        return false;
    }
}
