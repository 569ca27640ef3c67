namespace Gateway.Hosting;

internal sealed class AdminOptions
{
    /// <summary>Where the admin endpoints listen; a port of its own so they are never exposed through routes.</summary>
    public string Url { get; set; } = "http://0.0.0.0:9090";
}
