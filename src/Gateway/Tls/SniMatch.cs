namespace Gateway.Tls;

/// <summary>How a handshake's certificate was chosen; the outcome label of the handshake metric.</summary>
internal enum SniMatch
{
    /// <summary>No certificate for the name and no default: the handshake fails.</summary>
    None,
    Exact,
    Wildcard,
    Default,
}
