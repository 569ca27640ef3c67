namespace Gateway.Inference.EndpointPicker;

/// <summary>How the gateway speaks to the endpoint pickers of InferencePools, from <c>Gateway:Inference:EndpointPicker</c>.</summary>
internal sealed class EndpointPickerOptions
{
    /// <summary>How long a picker may take to answer a request; past it the pool's failureMode applies.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Speak TLS to pickers, accepting any certificate: the reference picker serves a self-signed certificate it
    /// generates at start, and the Envoy-based gateways do not verify it either. False speaks cleartext HTTP/2.
    /// </summary>
    public bool Tls { get; set; } = true;

    /// <summary>Largest request body sent to a picker (it reads the model from it), in bytes; a larger one gets 413.</summary>
    public int MaxBodySize { get; set; } = 4 * 1024 * 1024;

    public IEnumerable<string> Validate(string prefix)
    {
        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{prefix}:Timeout '{Timeout}' must be greater than zero";
        }

        if (MaxBodySize < 1024)
        {
            yield return $"{prefix}:MaxBodySize {MaxBodySize} must be at least 1024 bytes";
        }
    }
}
