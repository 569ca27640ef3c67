using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Gateway.LoadBalancing;

/// <summary>
/// Reads a request's <see cref="Criticality"/> from its header: a level name (<c>Critical</c>, <c>Standard</c>,
/// <c>Sheddable</c>, any case) or a priority number as an InferenceObjective's (above 0 Critical, 0 Standard, below 0
/// Sheddable). Absent or anything else is Standard, so an unknown value never gains priority.
/// </summary>
internal static class CriticalityHeader
{
    public static Criticality Read(StringValues values)
    {
        if (values.Count == 0 || values[0] is not { Length: > 0 } text)
        {
            return Criticality.Standard;
        }

        var value = text.AsSpan().Trim();
        if (value.Equals("Critical", StringComparison.OrdinalIgnoreCase))
        {
            return Criticality.Critical;
        }

        if (value.Equals("Sheddable", StringComparison.OrdinalIgnoreCase))
        {
            return Criticality.Sheddable;
        }

        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority))
        {
            return priority > 0 ? Criticality.Critical : priority < 0 ? Criticality.Sheddable : Criticality.Standard;
        }

        return Criticality.Standard;
    }
}
