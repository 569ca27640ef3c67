namespace Gateway.RateLimiting;

/// <summary>
/// Recently formatted <c>RateLimit</c> header values of one limiter, so a request whose state was seen before (a limit far
/// from triggering stays at one state; a busy one cycles through a few) reuses the string instead of formatting a new one.
/// Lock-free: slots hold immutable entries and a lost race only costs a format.
/// </summary>
internal sealed class StateHeaderCache(string quotedName)
{
    private const int Slots = 64;

    private readonly Entry?[] _entries = new Entry?[Slots];

    public string Get(RateLimitDecision decision)
    {
        var seconds = RateLimitHeaders.Seconds(decision.UntilFull);
        var slot = (int)((uint)decision.Remaining % Slots);
        if (Volatile.Read(ref _entries[slot]) is { } entry && entry.Remaining == decision.Remaining && entry.Seconds == seconds)
        {
            return entry.Value;
        }

        var value = RateLimitHeaders.FormatState(quotedName, decision);
        Volatile.Write(ref _entries[slot], new Entry(decision.Remaining, seconds, value));
        return value;
    }

    private sealed record Entry(long Remaining, long Seconds, string Value);
}
