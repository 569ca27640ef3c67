namespace Gateway.Proxy.Upstream;

/// <summary>Byte classes of the HTTP grammar (RFC 9110 §5.6), shared by the head parser and the chunked decoder.</summary>
internal static class HttpSyntax
{
    /// <summary>tchar: the characters of a token (a field name, a coding, a chunk extension name).</summary>
    public static bool IsTokenChar(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
            or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';

    /// <summary>A byte of a field value or reason phrase: VCHAR, obs-text, SP or HTAB; never another control character.</summary>
    public static bool IsFieldValueChar(byte b) => b == (byte)'\t' || (b >= 0x20 && b != 0x7F);

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>The value of a hexadecimal digit, or -1.</summary>
    public static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
