namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>Polls for a condition that an asynchronous watch makes true, failing with what was last seen.</summary>
public static class Eventually
{
    // Generous: a gateway watching every kind starts slower while other test classes run beside it on two cores.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {Timeout.TotalSeconds} s waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static async Task EqualAsync<T>(T expected, Func<Task<T>> actual, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var last = await actual();
        while (!EqualityComparer<T>.Default.Equals(expected, last))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {Timeout.TotalSeconds} s waiting for {what} to be '{expected}'; last it was '{last}'.");
            }

            await Task.Delay(50);
            last = await actual();
        }
    }
}
