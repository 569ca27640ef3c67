namespace Gateway.Sources.File;

/// <summary>Where the ConfigMap file is (<c>Gateway:ConfigFile</c>; null reads none) and how often it is polled.</summary>
internal sealed record ConfigFileOptions(string? Path, TimeSpan PollInterval);
