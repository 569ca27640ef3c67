namespace Gateway.Proxy.Upstream;

/// <summary>What <see cref="ResponseHeadParser.TryParse"/> made of the bytes it was given.</summary>
internal enum HeadParseResult
{
    /// <summary>The head is not complete yet and nothing in it is wrong so far: read more.</summary>
    Incomplete,

    /// <summary>A valid head, described by the <see cref="ResponseHead"/>.</summary>
    Complete,

    /// <summary>The head breaks the grammar or the framing rules; the response must not reach the client.</summary>
    Invalid,
}
