using Gateway.Rollout;

namespace Gateway.Tests.Rollout;

/// <summary>An in-memory share between rollout services: the one whose <see cref="Decides"/> is set publishes, the others read.</summary>
internal sealed class SharedStates : IRolloutStateShare
{
    public event Action? Changed;

    public bool Decides { get; set; }

    public IReadOnlyDictionary<string, RolloutState> Shared { get; set; } = new Dictionary<string, RolloutState>();

    public void Publish(IReadOnlyDictionary<string, RolloutState> states)
    {
        Shared = states;
        Changed?.Invoke();
    }
}
