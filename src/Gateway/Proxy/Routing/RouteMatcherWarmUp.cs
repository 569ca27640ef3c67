using System.Diagnostics;
using Gateway.Model.Store;
using Gateway.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Routing;

/// <summary>
/// Holds <c>/readyz</c> at 503 until ASP.NET Core's route matcher is built. The matcher is otherwise built by the first
/// request that reaches routing (400-600 ms with 10,000 routes), which a client would wait for. Once the host has
/// started, a configuration serves and every other readiness component is ready, one request goes through route matching
/// in-process, on the thread that completed the last of those, and the component is marked ready. Later route changes
/// rebuild the matcher within the reload that makes them (routing follows its endpoint source's change token), so only
/// the first build needs this. The request enters the pipeline at routing and ends right after it: no telemetry, limit
/// or backend sees it. This object is also the marker its context carries.
/// </summary>
internal sealed partial class RouteMatcherWarmUp
{
    /// <summary>The readiness component that waits for the matcher.</summary>
    public const string Component = "route matcher";

    private readonly ModelStore _store;
    private readonly ReadinessRegistry _readiness;
    private readonly IServiceProvider _services;
    private readonly ILogger<RouteMatcherWarmUp> _logger;
    private RequestDelegate? _routing;
    private int _started;

    public RouteMatcherWarmUp(ModelStore store, ReadinessRegistry readiness, IHostApplicationLifetime lifetime, IServiceProvider services, ILogger<RouteMatcherWarmUp> logger)
    {
        _store = store;
        _readiness = readiness;
        _services = services;
        _logger = logger;
        readiness.Expect(Component);
        store.Applied += TryRun;
        readiness.Changed += TryRun;
        lifetime.ApplicationStarted.Register(TryRun);
    }

    /// <summary>Place just before routing: keeps the pipeline from routing on, adding no step of its own.</summary>
    public void Capture(IApplicationBuilder app) => app.Use(next => _routing = next);

    /// <summary>Place just after routing: ends the warm-up request there.</summary>
    public static void EndAfterRouting(IApplicationBuilder app) =>
        app.Use(next => context => context.Features.Get<RouteMatcherWarmUp>() is null ? next(context) : Task.CompletedTask);

    private void TryRun()
    {
        if (Volatile.Read(ref _started) == 1 || _routing is not { } routing || !_store.IsReady || !_readiness.IsReadyBesides(Component)
            || Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        var context = new DefaultHttpContext { RequestServices = _services };
        context.Features.Set(this);
        context.Request.Method = HttpMethods.Get;
        context.Request.Scheme = Uri.UriSchemeHttp;
        context.Request.Host = new HostString("localhost");
        context.Request.Path = "/";
        var started = Stopwatch.GetTimestamp();
        Task warmUp;
        try
        {
            warmUp = routing(context);
        }
        catch (Exception ex)
        {
            warmUp = Task.FromException(ex);
        }

        // Routing completes synchronously: the matcher is built on this thread, before the component reports ready.
        if (warmUp.IsCompletedSuccessfully)
        {
            Ready(started);
        }
        else
        {
            _ = CompleteAsync(warmUp, started);
        }
    }

    private async Task CompleteAsync(Task warmUp, long started)
    {
        try
        {
            await warmUp;
        }
        catch (Exception ex)
        {
            // Readiness must not hang on it: the first request then builds the matcher, as without the warm-up.
            LogFailed(_logger, ex);
        }

        Ready(started);
    }

    private void Ready(long started)
    {
        LogBuilt(_logger, _store.Status.Model.Routes.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        _readiness.Ready(Component);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Route matcher built for {Routes} routes in {Milliseconds:F0} ms, before reporting ready")]
    private static partial void LogBuilt(ILogger logger, int routes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Building the route matcher before reporting ready failed; the first request builds it")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
