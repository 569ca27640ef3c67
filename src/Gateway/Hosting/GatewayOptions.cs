using Gateway.Canary;
using Gateway.Observability;
using Gateway.Primitives;
using Gateway.Sources.File;
using Gateway.Sources.Kubernetes;
using Gateway.Tls;

namespace Gateway.Hosting;

/// <summary>Process settings from the <c>Gateway</c> configuration section; routing is read by the sources instead.</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = GatewaySection.Name;

    public ProxyListenOptions Listen { get; set; } = new();

    public AdminOptions Admin { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();

    public AccessLogOptions AccessLog { get; set; } = new();

    public ShutdownOptions Shutdown { get; set; } = new();

    /// <summary>Optional JSON file (a mounted ConfigMap) whose routes and backends override appsettings.json.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>How often <see cref="ConfigFile"/> is checked for changes. Polling also sees a ConfigMap's symlink swap, which file events miss.</summary>
    public TimeSpan ConfigFilePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public CanaryOptions Canary { get; set; } = new();

    /// <summary>Redis and trusted proxies for rate limits; the policies themselves are routing configuration.</summary>
    public RateLimiting.RateLimitingOptions RateLimiting { get; set; } = new();

    /// <summary>Discovery of Services, EndpointSlices and the gateway ConfigMap through the Kubernetes API.</summary>
    public KubernetesOptions Kubernetes { get; set; } = new();

    /// <summary>Header, body and slow-client limits of the proxy listener.</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>Process-wide relaxations of how request paths are normalised and which forms are refused.</summary>
    public Paths.PathPolicyOptions PathPolicy { get; set; } = new();

    /// <summary>Certificates from files and the HTTPS redirect port.</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>Whether the HTTPS listener is bound: only when a certificate can be served.</summary>
    public bool ServesHttps => !string.IsNullOrEmpty(Listen.Https) && (Tls.HasFileCertificates || Kubernetes.IsEnabled);

    /// <summary>What happens to client request headers before routing (underscores in names).</summary>
    public Headers.HeaderOptions Headers { get; set; } = new();

    /// <summary>Which requests have their body's model read before routing.</summary>
    public Inference.InferenceOptions Inference { get; set; } = new();

    /// <summary>Every problem with these settings, as one line each.</summary>
    public IEnumerable<string> Validate()
    {
        if (!ListenAddress.TryParse(Listen.Http, out _))
        {
            yield return $"Gateway:Listen:Http '{Listen.Http}' is not an http:// address such as http://0.0.0.0:8080";
        }

        if (!string.IsNullOrEmpty(Listen.Https) && !ListenAddress.TryParse(Listen.Https, out _, Uri.UriSchemeHttps))
        {
            yield return $"Gateway:Listen:Https '{Listen.Https}' is not an https:// address such as https://0.0.0.0:8443 (empty turns HTTPS off)";
        }

        foreach (var error in Admin.Validate(Telemetry.Metrics))
        {
            yield return error;
        }

        if (ConfigFilePollInterval <= TimeSpan.Zero)
        {
            yield return $"Gateway:ConfigFilePollInterval '{ConfigFilePollInterval}' must be greater than zero";
        }

        foreach (var error in Kubernetes.Validate())
        {
            yield return error;
        }

        foreach (var error in RateLimiting.Validate("Gateway:RateLimiting"))
        {
            yield return error;
        }

        if (!string.IsNullOrEmpty(Canary.VariantHeader) && !Canary.VariantHeader.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
        {
            yield return $"Gateway:Canary:VariantHeader '{Canary.VariantHeader}' is not a valid header name such as x-gateway-variant";
        }

        foreach (var error in Telemetry.Validate().Concat(AccessLog.Validate()).Concat(Shutdown.Validate()).Concat(Limits.Validate()).Concat(Tls.Validate()).Concat(Inference.Validate()))
        {
            yield return error;
        }
    }
}
