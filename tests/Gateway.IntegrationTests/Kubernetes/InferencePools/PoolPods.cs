using System.Net;
using System.Net.Sockets;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Kubernetes.InferencePools;

/// <summary>
/// Model-server pods of InferencePools: real backends that share one port, as a pool's pods do, each on a loopback
/// address of its own (127.0.0.2, 127.0.0.3, ...), so the pool's one target port reaches every pod.
/// </summary>
public sealed class PoolPods : IAsyncDisposable
{
    private readonly List<TestBackend> _backends;

    private PoolPods(List<TestBackend> backends, int port)
    {
        _backends = backends;
        Port = port;
    }

    public int Port { get; }

    public IReadOnlyList<TestBackend> Backends => _backends;

    /// <summary>The address of pod <paramref name="index"/>.</summary>
    public static string Address(int index) => $"127.0.0.{index + 2}";

    /// <summary>Starts one backend per name; the port the first one gets is taken by the others (another port when one is busy there).</summary>
    public static async Task<PoolPods> StartAsync(params string[] names)
    {
        for (var attempt = 0; ; attempt++)
        {
            var backends = new List<TestBackend>();
            try
            {
                backends.Add(await TestBackend.StartAsync(names[0], new IPEndPoint(IPAddress.Parse(Address(0)), 0)));
                var port = new Uri(backends[0].Url).Port;
                for (var i = 1; i < names.Length; i++)
                {
                    backends.Add(await TestBackend.StartAsync(names[i], new IPEndPoint(IPAddress.Parse(Address(i)), port)));
                }

                return new PoolPods(backends, port);
            }
            catch (IOException ex) when (ex.InnerException is SocketException && attempt < 5)
            {
                foreach (var backend in backends)
                {
                    await backend.DisposeAsync();
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }
}
