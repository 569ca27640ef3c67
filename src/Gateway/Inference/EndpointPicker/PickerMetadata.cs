namespace Gateway.Inference.EndpointPicker;

/// <summary>The metadata namespaces and keys of the endpoint-picker protocol.</summary>
internal static class PickerMetadata
{
    /// <summary>Where the candidate endpoints go in the request's filter metadata.</summary>
    public const string SubsetNamespace = "envoy.lb.subset_hint";

    /// <summary>The candidates: <c>ip:port</c> strings the picker must choose from.</summary>
    public const string SubsetKey = "x-gateway-destination-endpoint-subset";

    /// <summary>Where the picker puts its pick in the response's dynamic metadata.</summary>
    public const string PickNamespace = "envoy.lb";

    /// <summary>The pick, as a request header or a dynamic metadata key: <c>ip:port</c>, or several comma-separated.</summary>
    public const string DestinationKey = "x-gateway-destination-endpoint";

    /// <summary>The endpoint that served, <c>ip:port</c>, in the <see cref="PickNamespace"/> metadata of the response phase.</summary>
    public const string ServedKey = "x-gateway-destination-endpoint-served";
}
