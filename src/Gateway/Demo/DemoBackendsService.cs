using Gateway.Primitives;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Demo;

/// <summary>Hosts the sample model backends in-process, each on its own loopback port, so the default config works with curl alone.</summary>
internal sealed partial class DemoBackendsService(IOptions<DemoOptions> options, ILogger<DemoBackendsService> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        if (!demo.Enabled || demo.Backends.Count == 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var byPort = new Dictionary<int, DemoBackend>();
        foreach (var backend in demo.Backends)
        {
            if (!ListenAddress.TryParse(backend.Url, out var address) || address.Port == 0)
            {
                throw new InvalidOperationException($"Demo:Backends '{backend.Name}' Url '{backend.Url}' is not an http:// address with a port");
            }

            builder.WebHost.ConfigureKestrel(k => address.Bind(k, _ => { }));
            byPort[address.Port] = backend;
        }

        _app = builder.Build();
        _app.Run(context =>
        {
            var backend = byPort[context.Connection.LocalPort];
            var request = context.Request;
            return context.Response.WriteAsJsonAsync(new DemoReply(
                backend.Name,
                backend.Version,
                request.Method,
                request.Path.Value ?? "/",
                request.QueryString.Value ?? "",
                request.Headers.Host.ToString(),
                request.Headers["X-Forwarded-For"].ToString(),
                request.Headers["X-Forwarded-Prefix"].ToString()), DemoJsonContext.Default.DemoReply);
        });
        await _app.StartAsync(cancellationToken);
        LogStarted(logger, string.Join(", ", demo.Backends.Select(b => $"{b.Name} ({b.Version}) on {b.Url}")));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo backends listening: {Backends}")]
    private static partial void LogStarted(ILogger logger, string backends);
}
