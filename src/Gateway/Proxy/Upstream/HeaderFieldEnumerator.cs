namespace Gateway.Proxy.Upstream;

/// <summary>
/// Walks the field lines of a head that <see cref="ResponseHeadParser"/> accepted (or a trailer section that
/// <see cref="ChunkedBodyDecoder"/> accepted), giving each name and value, without the whitespace around the value.
/// It checks nothing: the parser already did.
/// </summary>
internal ref struct HeaderFieldEnumerator
{
    private ReadOnlySpan<byte> _rest;

    /// <param name="fields">The field lines, each ending in CRLF, up to and including the empty line that ends them.</param>
    public HeaderFieldEnumerator(ReadOnlySpan<byte> fields) => _rest = fields;

    public ReadOnlySpan<byte> Name { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    public bool MoveNext()
    {
        var lf = _rest.IndexOf((byte)'\n');
        if (lf <= 1)
        {
            return false;
        }

        var line = _rest[..(lf - 1)];
        _rest = _rest[(lf + 1)..];
        var colon = line.IndexOf((byte)':');
        Name = line[..colon];
        Value = ResponseHeadParser.TrimWhitespace(line[(colon + 1)..]);
        return true;
    }
}
