namespace Gateway.Hosting;

internal sealed class ProxyListenOptions
{
    /// <summary>Where the proxy accepts plain HTTP.</summary>
    public string Http { get; set; } = "http://0.0.0.0:8080";
}
