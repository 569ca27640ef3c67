using Gateway.Primitives;
using Microsoft.AspNetCore.Http;

namespace Gateway.Paths;

/// <summary>
/// Why a request path cannot be normalised safely, with the endpoint that answers it: the request gets 400 without any
/// route being matched, and still passes through telemetry like any request no route takes.
/// </summary>
internal sealed class PathRefusal
{
    private PathRefusal(string title)
    {
        Title = title;
        Endpoint = new Endpoint(context => ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, title), EndpointMetadataCollection.Empty, "refused path");
    }

    public static PathRefusal MalformedEscape { get; } = new("The request path has a '%' that does not start a two-digit hex escape.");

    public static PathRefusal Backslash { get; } = new("The request path contains a backslash.");

    public static PathRefusal ControlCharacter { get; } = new("The request path contains a control character, raw or percent-encoded.");

    public static PathRefusal OverlongUtf8 { get; } = new("The request path has an overlong UTF-8 sequence, such as %C0%AE.");

    public static PathRefusal AboveRoot { get; } = new("The request path climbs above the root with a '..' segment.");

    public static PathRefusal DotSegmentWithParameters { get; } = new("The request path has a dot segment with parameters, such as '..;'.");

    /// <summary>The problem title the client reads.</summary>
    public string Title { get; }

    public Endpoint Endpoint { get; }
}
