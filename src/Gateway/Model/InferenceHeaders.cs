namespace Gateway.Model;

/// <summary>Request headers the gateway sets for inference requests; a client's own copies are never forwarded.</summary>
internal static class InferenceHeaders
{
    /// <summary>The top-level <c>model</c> of an OpenAI-style JSON body, set before route matching so routes can match on it.</summary>
    public const string ModelName = "X-Gateway-Model-Name";
}
