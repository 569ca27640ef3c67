namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>What <see cref="RawBackend"/> sends for one request (Latin-1 text, so any byte can be scripted), and whether it then closes.</summary>
public sealed record RawReply(string Bytes, bool Close = false);
