namespace Gateway.Sources.Kubernetes;

/// <summary>Whether this replica may write to the API server (status, Events); always true without leader election.</summary>
internal sealed class KubernetesLeadership
{
    private int _isLeader;

    public KubernetesLeadership(bool electionEnabled) => _isLeader = electionEnabled ? 0 : 1;

    /// <summary>Raised when this replica becomes the leader, so writers can catch up on what they skipped as followers.</summary>
    public event Action? Elected;

    /// <summary>Raised when this replica stops leading, so work only a leader does stops.</summary>
    public event Action? Deposed;

    public bool IsLeader => Volatile.Read(ref _isLeader) == 1;

    /// <summary>The holder identity this replica writes into the Lease: the pod name, made unique per process.</summary>
    public string Identity { get; } = $"{Environment.GetEnvironmentVariable("HOSTNAME") ?? Environment.MachineName}_{Guid.NewGuid().ToString("N")[..8]}";

    public void Set(bool isLeader)
    {
        // A full fence: the Elected handlers then see whatever a writer queued before it read IsLeader as false.
        var was = Interlocked.Exchange(ref _isLeader, isLeader ? 1 : 0) == 1;
        if (isLeader && !was)
        {
            Elected?.Invoke();
        }
        else if (!isLeader && was)
        {
            Deposed?.Invoke();
        }
    }
}
