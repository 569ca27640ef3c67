namespace Gateway.Hosting;

internal sealed class ProxyListenOptions
{
    /// <summary>Where the proxy accepts plain HTTP.</summary>
    public string Http { get; set; } = "http://0.0.0.0:8080";

    /// <summary>
    /// Where the proxy accepts HTTPS; empty turns it off. Bound only when a certificate can exist: a file certificate is
    /// configured or Kubernetes discovery is on (Secrets).
    /// </summary>
    public string Https { get; set; } = "https://0.0.0.0:8443";
}
