namespace Gateway.Inference;

/// <summary>What <see cref="ModelNameReader"/> found in a request body.</summary>
internal enum ModelReadStatus
{
    /// <summary>One top-level <c>model</c> string, usable as a header value.</summary>
    Found,

    /// <summary>The body is not JSON (or not complete JSON).</summary>
    Malformed,

    /// <summary>The body is JSON but not an object.</summary>
    NotAnObject,

    /// <summary>The object has no top-level <c>model</c>.</summary>
    Missing,

    /// <summary>The top-level <c>model</c> is not a string.</summary>
    NotAString,

    /// <summary>The top-level <c>model</c> is empty or holds characters a header value cannot carry.</summary>
    InvalidName,

    /// <summary>The object has <c>model</c> more than once; backends differ on which one they read.</summary>
    Duplicate,
}
