namespace Gateway.Sources;

/// <summary>
/// Order in which sources override each other: a higher number wins for routes and backends of the same name, and for
/// routes of different names that take the same requests (see <see cref="Model.RouteConflicts"/>). Explicit
/// configuration written by the platform team (files, the ConfigMap) beats what is discovered from Services, which
/// beats the defaults in appsettings.
/// </summary>
internal static class SourcePrecedence
{
    public const int AppSettings = 0;

    /// <summary>API-key Secrets only add keys to policies declared elsewhere, so their rank decides nothing; it must only be unique.</summary>
    public const int KubernetesApiKeySecrets = 45;

    /// <summary>TLS Secrets only hold certificates that bindings of other sources name; the rank must only be unique.</summary>
    public const int KubernetesTlsSecrets = 46;

    public const int KubernetesServices = 50;

    public const int KubernetesIngress = 60;

    public const int GatewayApi = 70;

    public const int Istio = 80;

    public const int ConfigFile = 100;

    public const int KubernetesConfigMap = 150;
}
