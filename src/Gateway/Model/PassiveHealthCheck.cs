namespace Gateway.Model;

/// <summary>
/// Outlier ejection from live traffic, as Envoy's: <see cref="ConsecutiveFailures"/> connection failures or 5xx answers in
/// a row eject the endpoint for <see cref="EjectionPeriod"/>, after which it is tried again.
/// </summary>
internal sealed record PassiveHealthCheck
{
    public const int DefaultConsecutiveFailures = 5;
    public static readonly TimeSpan DefaultEjectionPeriod = TimeSpan.FromSeconds(30);

    public int ConsecutiveFailures { get; init; } = DefaultConsecutiveFailures;

    public TimeSpan EjectionPeriod { get; init; } = DefaultEjectionPeriod;
}
