namespace Gateway.IntegrationTests.Kubernetes.InferencePools;

/// <summary>How a <see cref="FakeEndpointPicker"/> answers.</summary>
public enum PickerBehavior
{
    /// <summary>Picks the endpoint the request's <c>test-epp-endpoint-selection</c> header names, else the first candidate.</summary>
    ByHeader,

    /// <summary>Picks <see cref="FakeEndpointPicker.Endpoint"/> (one endpoint, or a comma-separated list) whatever the candidates.</summary>
    Always,

    /// <summary>Answers the client itself: 429 with a body, as a picker shedding a request does.</summary>
    Shed,

    /// <summary>Ends every stream with gRPC status UNAVAILABLE.</summary>
    Fail,

    /// <summary>Reads the request and never answers.</summary>
    Hang,

    /// <summary>Picks as <see cref="Always"/>, then ends the stream with UNAVAILABLE when sent the response headers.</summary>
    FailResponse,
}
