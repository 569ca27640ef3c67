namespace Gateway.Proxy.Upstream;

/// <summary>How the body of an HTTP/1.1 response is delimited (RFC 9112 §6.3).</summary>
internal enum BodyFraming
{
    /// <summary>No body: a 1xx, 204 or 304 answer, or the answer to a HEAD request.</summary>
    None,

    /// <summary>Exactly <see cref="ResponseHead.ContentLength"/> bytes.</summary>
    ContentLength,

    /// <summary><c>Transfer-Encoding: chunked</c>, read with <see cref="ChunkedBodyDecoder"/>.</summary>
    Chunked,

    /// <summary>Everything until the backend closes the connection, which then cannot be reused.</summary>
    CloseDelimited,
}
