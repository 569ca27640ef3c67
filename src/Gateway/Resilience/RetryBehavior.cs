using Gateway.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Resilience;

/// <summary>A route's <see cref="RetryPolicy"/> compiled for the hot path: a status table instead of a list.</summary>
internal sealed class RetryBehavior
{
    private readonly bool[] _statuses = new bool[100];

    public RetryBehavior(RetryPolicy policy)
    {
        Attempts = policy.Attempts;
        AllMethods = policy.AllMethods;
        PerTryTimeout = policy.PerTryTimeout;
        foreach (var status in policy.Statuses)
        {
            _statuses[status - 500] = true;
        }
    }

    public int Attempts { get; }

    public bool AllMethods { get; }

    public TimeSpan? PerTryTimeout { get; }

    public bool AllowsMethod(string method) =>
        AllMethods || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    public bool RetriesStatus(int status) => status is >= 500 and < 600 && _statuses[status - 500];
}
