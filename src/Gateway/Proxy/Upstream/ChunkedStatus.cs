namespace Gateway.Proxy.Upstream;

/// <summary>What one <see cref="ChunkedBodyDecoder.Read"/> call found.</summary>
internal enum ChunkedStatus
{
    /// <summary>Body bytes are at hand: copy them, then call again with the input after them.</summary>
    Data,

    /// <summary>All of the input was framing (or is kept in the decoder's state): read more.</summary>
    NeedMore,

    /// <summary>The last chunk and the trailer section ended; bytes after them belong to the next response.</summary>
    Done,

    /// <summary>The framing breaks the grammar; <see cref="ChunkedBodyDecoder.Error"/> says how.</summary>
    Invalid,
}
