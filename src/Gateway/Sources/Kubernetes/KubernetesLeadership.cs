namespace Gateway.Sources.Kubernetes;

/// <summary>Whether this replica may write to the API server (status, Events); always true without leader election.</summary>
internal sealed class KubernetesLeadership
{
    private volatile bool _isLeader;

    public KubernetesLeadership(bool electionEnabled) => _isLeader = !electionEnabled;

    /// <summary>Raised when this replica becomes the leader, so writers can catch up on what they skipped as followers.</summary>
    public event Action? Elected;

    public bool IsLeader => _isLeader;

    /// <summary>The holder identity this replica writes into the Lease: the pod name, made unique per process.</summary>
    public string Identity { get; } = $"{Environment.GetEnvironmentVariable("HOSTNAME") ?? Environment.MachineName}_{Guid.NewGuid().ToString("N")[..8]}";

    public void Set(bool isLeader)
    {
        var was = _isLeader;
        _isLeader = isLeader;
        if (isLeader && !was)
        {
            Elected?.Invoke();
        }
    }
}
