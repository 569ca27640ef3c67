namespace Gateway.Proxy.Upstream;

/// <summary>What a route's header transform does, as YARP's transform of the same name does it.</summary>
internal enum HeaderOperationKind
{
    /// <summary>Replaces every value with one (<c>RequestHeader Set</c>, <c>ResponseHeader Set</c>).</summary>
    Set,

    /// <summary>Joins the value to the existing ones with ',' into one value (<c>Gateway.RequestHeaderAdd</c>).</summary>
    Join,

    /// <summary>Adds the value as one more value (<c>ResponseHeader Append</c>).</summary>
    Append,

    /// <summary>Removes the header (<c>RequestHeaderRemove</c>, <c>ResponseHeaderRemove</c>).</summary>
    Remove,
}
