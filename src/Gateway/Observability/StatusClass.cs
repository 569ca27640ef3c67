namespace Gateway.Observability;

/// <summary>Status classes as metric label values, interned so recording allocates nothing.</summary>
internal static class StatusClass
{
    private static readonly string[] Names = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    public static string Of(int statusCode) => statusCode is >= 100 and < 600 ? Names[(statusCode / 100) - 1] : "other";
}
