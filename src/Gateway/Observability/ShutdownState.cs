namespace Gateway.Observability;

/// <summary>Set once shutdown has begun; readiness reads it so traffic is steered away before the listener closes.</summary>
internal sealed class ShutdownState
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public void BeginDraining() => _draining = true;
}
