using Gateway.Sources.Kubernetes;

namespace Gateway.Hosting;

/// <summary>Process settings from the <c>Gateway</c> configuration section; routing is read by the sources instead.</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Keys of the section that this type binds.</summary>
    public static readonly string[] ProcessKeys = ["Listen", "Admin", "ConfigFile", "ConfigFilePollInterval", "Kubernetes"];

    public ProxyListenOptions Listen { get; set; } = new();

    public AdminOptions Admin { get; set; } = new();

    /// <summary>Optional JSON file (a mounted ConfigMap) whose routes and backends override appsettings.json.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>How often <see cref="ConfigFile"/> is checked for changes. Polling also sees a ConfigMap's symlink swap, which file events miss.</summary>
    public TimeSpan ConfigFilePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Discovery of Services, EndpointSlices and the gateway ConfigMap through the Kubernetes API.</summary>
    public KubernetesOptions Kubernetes { get; set; } = new();

    /// <summary>Every problem with these settings, as one line each.</summary>
    public IEnumerable<string> Validate()
    {
        if (!ListenAddress.TryParse(Listen.Http, out _))
        {
            yield return $"Gateway:Listen:Http '{Listen.Http}' is not an http:// address such as http://0.0.0.0:8080";
        }

        if (!ListenAddress.TryParse(Admin.Url, out _))
        {
            yield return $"Gateway:Admin:Url '{Admin.Url}' is not an http:// address such as http://0.0.0.0:9090";
        }

        if (ConfigFilePollInterval <= TimeSpan.Zero)
        {
            yield return $"Gateway:ConfigFilePollInterval '{ConfigFilePollInterval}' must be greater than zero";
        }

        foreach (var error in Kubernetes.Validate())
        {
            yield return error;
        }
    }
}
