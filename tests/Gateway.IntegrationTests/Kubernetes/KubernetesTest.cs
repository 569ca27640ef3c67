using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>Base for tests that discover backends "a" and "b" through a fresh fake API server, started for every test.</summary>
public abstract class KubernetesTest : TwoBackendTest
{
    protected FakeKubernetesApiServer Api { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Api = await FakeKubernetesApiServer.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await base.DisposeAsync();
    }
}
