using Gateway.Inference.EndpointPicker.Protocol;

namespace Gateway.Inference.EndpointPicker;

/// <summary>What a picker said about one request: the endpoints it picked and its changes to the request, its own answer for the client, or why it failed.</summary>
internal sealed class PickerAnswer
{
    /// <summary>Why the exchange failed (a metric label): unavailable, timeout, error, closed, no_endpoint, endpoint_not_in_pool.</summary>
    public string? Failure { get; set; }

    /// <summary>The picked endpoints, <c>ip:port</c> comma-separated, best first.</summary>
    public string? Endpoints { get; set; }

    /// <summary>Header changes of every response, in order.</summary>
    public List<HeaderMutation> HeaderMutations { get; } = [];

    /// <summary>The request body that replaces the client's, when the picker changed it.</summary>
    public MemoryStream? Body { get; set; }

    /// <summary>The picker's own answer for the client (e.g. 429 when it sheds the request).</summary>
    public ImmediateResponse? Immediate { get; set; }

    /// <summary>The phases of the response the picker asked for in its answer to the request headers; null for all of them.</summary>
    public ProcessingMode? Mode { get; set; }

    /// <summary>The open stream of a pick whose response the picker follows; whoever takes the answer attaches or disposes it.</summary>
    public PickerExchange? Exchange { get; set; }

    public static PickerAnswer Failed(string reason) => new() { Failure = reason };
}
