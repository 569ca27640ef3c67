namespace Gateway.Proxy.Upstream;

/// <summary>
/// A validated HTTP/1.1 response head, as offsets into the buffer it was parsed from: what the forwarder needs to answer
/// the client and to read the body, with no string made yet. <see cref="HeaderFieldEnumerator"/> reads the fields.
/// </summary>
internal readonly record struct ResponseHead
{
    public int StatusCode { get; init; }

    /// <summary>True for an <c>HTTP/1.0</c> status line.</summary>
    public bool IsHttp10 { get; init; }

    /// <summary>Where the reason phrase starts in the head (after the status code's SP); its length may be 0.</summary>
    public int ReasonStart { get; init; }

    public int ReasonLength { get; init; }

    /// <summary>Where the first field line starts (just after the status line's CRLF).</summary>
    public int FieldsStart { get; init; }

    /// <summary>Bytes of the head, up to and including the empty line that ends it; the body starts here.</summary>
    public int Length { get; init; }

    public int FieldCount { get; init; }

    public BodyFraming Framing { get; init; }

    /// <summary>The body's length when <see cref="Framing"/> is <see cref="BodyFraming.ContentLength"/>; otherwise -1.</summary>
    public long ContentLength { get; init; }

    /// <summary>True when the connection may carry another request once this response is read to its end.</summary>
    public bool KeepAlive { get; init; }

    /// <summary>A 1xx answer other than 101: another head follows on the same connection.</summary>
    public bool IsInformational => StatusCode is >= 100 and < 200 and not 101;
}
