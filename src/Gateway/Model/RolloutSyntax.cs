using System.Collections.Immutable;
using System.Globalization;

namespace Gateway.Model;

/// <summary>How a rollout's values are written in configuration and annotations: steps <c>1,5,25,100</c>, rates <c>1%</c> or <c>0.01</c>, ratios <c>1.5</c>.</summary>
internal static class RolloutSyntax
{
    /// <summary>Whole percentages separated by commas; range and order are checked by the validator.</summary>
    public static bool TryParseSteps(string text, out ImmutableArray<int> steps)
    {
        var builder = ImmutableArray.CreateBuilder<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            {
                steps = [];
                return false;
            }

            builder.Add(step);
        }

        steps = builder.ToImmutable();
        return true;
    }

    /// <summary>A share written as a percentage (<c>2.5%</c>) or a fraction (<c>0.025</c>), as a fraction.</summary>
    public static bool TryParseRate(string text, out double rate)
    {
        var span = text.AsSpan().Trim();
        var percent = span.EndsWith('%');
        if (percent)
        {
            span = span[..^1].TrimEnd();
        }

        if (!double.TryParse(span, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out rate))
        {
            return false;
        }

        rate = percent ? rate / 100 : rate;
        return true;
    }

    /// <summary>A positive multiple such as <c>1.5</c> or <c>2</c>.</summary>
    public static bool TryParseRatio(string text, out double ratio) =>
        double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out ratio);
}
