using System.Globalization;

namespace Gateway.Model;

/// <summary><see cref="Tokens"/> tokens every <see cref="Period"/>, written <c>30/m</c>, <c>5/s</c> or <c>100/h</c>.</summary>
internal readonly record struct RateLimitRate(int Tokens, TimeSpan Period)
{
    public const int MaxTokens = 1_000_000;

    public const string Expected = "tokens per period such as 5/s, 30/m or 100/h";

    public static bool TryParse(string? text, out RateLimitRate rate)
    {
        rate = default;
        var span = text.AsSpan().Trim();
        var slash = span.IndexOf('/');
        if (slash <= 0
            || !int.TryParse(span[..slash].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var tokens)
            || tokens is < 1 or > MaxTokens)
        {
            return false;
        }

        TimeSpan? period = span[(slash + 1)..].Trim() switch
        {
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            _ => null,
        };
        if (period is null)
        {
            return false;
        }

        rate = new RateLimitRate(tokens, period.Value);
        return true;
    }

    public override string ToString() => $"{Tokens}/{(Period.TotalHours >= 1 ? "h" : Period.TotalMinutes >= 1 ? "m" : "s")}";
}
