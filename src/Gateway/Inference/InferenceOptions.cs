namespace Gateway.Inference;

/// <summary>Process settings for model-serving requests, from <c>Gateway:Inference</c>.</summary>
internal sealed class InferenceOptions
{
    public ModelFromBodyOptions ModelFromBody { get; set; } = new();

    public EndpointPicker.EndpointPickerOptions EndpointPicker { get; set; } = new();

    public IEnumerable<string> Validate() =>
        ModelFromBody.Validate("Gateway:Inference:ModelFromBody").Concat(EndpointPicker.Validate("Gateway:Inference:EndpointPicker"));
}
