namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Base for tests that route between two fresh backends, "a" and "b", started for every test.</summary>
public abstract class TwoBackendTest : IAsyncLifetime
{
    protected TestBackend A { get; private set; } = null!;

    protected TestBackend B { get; private set; } = null!;

    /// <summary>The <c>Backends</c> section naming both.</summary>
    protected object Backends => new Dictionary<string, object>
    {
        ["a"] = new { Endpoints = new[] { A.Url } },
        ["b"] = new { Endpoints = new[] { B.Url } },
    };

    public virtual async Task InitializeAsync()
    {
        A = await TestBackend.StartAsync("a");
        B = await TestBackend.StartAsync("b");
    }

    public virtual async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
