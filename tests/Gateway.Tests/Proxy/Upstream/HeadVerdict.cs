using Gateway.Proxy.Upstream;

namespace Gateway.Tests.Proxy.Upstream;

/// <summary>What <see cref="ResponseHeadOracle"/> or the parser made of a response head, in a form the fuzz test compares.</summary>
internal sealed record HeadVerdict(HeadParseResult Result, int Status = 0, BodyFraming Framing = BodyFraming.None, long ContentLength = -1, bool KeepAlive = false, int Length = 0)
{
    public static readonly HeadVerdict Invalid = new(HeadParseResult.Invalid);

    public static readonly HeadVerdict Incomplete = new(HeadParseResult.Incomplete);

    public static HeadVerdict Of(HeadParseResult result, ResponseHead head) => result == HeadParseResult.Complete
        ? new HeadVerdict(result, head.StatusCode, head.Framing, head.ContentLength, head.KeepAlive, head.Length)
        : new HeadVerdict(result);
}
