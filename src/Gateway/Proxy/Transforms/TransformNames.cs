namespace Gateway.Proxy.Transforms;

/// <summary>Names of the transforms this gateway adds to YARP's set.</summary>
internal static class TransformNames
{
    /// <summary>Replaces the matched path prefix (case-sensitively, segment-aware) and reports it in X-Forwarded-Prefix.</summary>
    public const string ReplacePrefixMatch = "Gateway.ReplacePrefixMatch";

    /// <summary>Replaces the whole path with a template of the groups the route's regular expression captured.</summary>
    public const string RegexRewrite = "Gateway.RegexRewrite";

    /// <summary>The replacement for <see cref="ReplacePrefixMatch"/> or <see cref="RegexRewrite"/>.</summary>
    public const string With = "With";

    /// <summary>Adds a value to a request header, joined to the values the client sent with <c>,</c> as Gateway API's add requires.</summary>
    public const string RequestHeaderAdd = "Gateway.RequestHeaderAdd";

    /// <summary>The value for <see cref="RequestHeaderAdd"/>.</summary>
    public const string Value = "Value";
}
