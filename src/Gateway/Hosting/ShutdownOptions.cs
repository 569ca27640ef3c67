namespace Gateway.Hosting;

/// <summary>How the gateway leaves: <c>Gateway:Shutdown</c>.</summary>
internal sealed class ShutdownOptions
{
    /// <summary>
    /// How long the gateway keeps serving after SIGTERM with <c>/readyz</c> already failing, so load balancers and
    /// kube-proxy stop sending new requests before the listener closes.
    /// </summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long in-flight requests (including streams) may take to finish once the listener has closed.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (Delay < TimeSpan.Zero)
        {
            yield return $"Gateway:Shutdown:Delay '{Delay}' must not be negative";
        }

        if (DrainTimeout <= TimeSpan.Zero)
        {
            yield return $"Gateway:Shutdown:DrainTimeout '{DrainTimeout}' must be greater than zero";
        }
    }
}
