namespace Gateway.Demo;

/// <summary>What a sample backend answers: enough to see routing, prefix stripping and forwarded headers at work.</summary>
internal sealed record DemoReply(
    string Backend,
    string Version,
    string Method,
    string Path,
    string Query,
    string Host,
    string ForwardedFor,
    string ForwardedPrefix);
