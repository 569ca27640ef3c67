namespace Gateway.Primitives;

/// <summary>The configuration the process starts with is invalid: the only case in which bad configuration stops the gateway.</summary>
internal sealed class StartupException(IEnumerable<string> errors) : Exception("The gateway configuration is invalid.")
{
    public IReadOnlyList<string> Errors { get; } = [.. errors];
}
