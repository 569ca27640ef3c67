using System.Runtime.InteropServices;
using Gateway.Admin;
using Gateway.Auth;
using Gateway.Demo;
using Gateway.Headers;
using Gateway.Inference;
using Gateway.LoadBalancing;
using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Observability;
using Gateway.Paths;
using Gateway.Primitives;
using Gateway.Proxy.Management;
using Gateway.Proxy.Middleware;
using Gateway.Proxy.Routing;
using Gateway.Proxy.Transforms;
using Gateway.RateLimiting;
using Gateway.Resilience;
using Gateway.Rollout;
using Gateway.Sources.File;
using Gateway.Sources.Kubernetes;
using Gateway.Sources.Kubernetes.Discovery;
using Gateway.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Hosting;

/// <summary>Host wiring: builds the gateway application and starts it only once its configuration is valid.</summary>
internal static partial class GatewayApp
{
    private const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>Builds the application. Throws <see cref="StartupException"/> when process settings are invalid.</summary>
    public static WebApplication Build(WebApplicationOptions hostOptions, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(hostOptions);
        AppSettingsSource.IgnoreReloadFailures(builder.Configuration);
        configure?.Invoke(builder);

        GatewayOptions options;
        try
        {
            options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new StartupException([ex.Message]);
        }

        var errors = options.Validate().Concat(UnknownSettings.Find(builder.Configuration.GetSection(GatewayOptions.SectionName))).ToList();
        if (errors.Count > 0)
        {
            throw new StartupException(errors);
        }

        if (!options.Telemetry.TracingEnabled)
        {
            // ASP.NET Core starts an Activity for every request while this logger is enabled at any level, and carrying it
            // through every await cost about a fifth of the throughput in bench/results/perf-log.md. Without tracing
            // nobody reads it; this category only logs request start/finish, already below the default Warning level.
            builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        }

        builder.WebHost.UseSockets(options.Transport.ApplyTo);
        var listeners = new Listeners();
        ListenAddress.TryParse(options.Listen.Http, out var proxyAddress);
        ListenAddress.TryParse(options.Admin.Url, out var adminAddress);
        ListenAddress.TryParse(options.Admin.MetricsUrl, out var metricsAddress);
        ListenAddress.TryParse(options.Listen.Https, out var httpsAddress, Uri.UriSchemeHttps);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            options.Limits.ApplyTo(kestrel.Limits);
            proxyAddress.Bind(kestrel, listen => listeners.Proxy = listen);
            adminAddress.Bind(kestrel, listen => listeners.Admin = listen);
            if (options.Admin.ServesMetricsApart)
            {
                metricsAddress.Bind(kestrel, listen => listeners.Metrics = listen);
            }

            if (options.ServesHttps)
            {
                var https = kestrel.ApplicationServices.GetRequiredService<HttpsListener>();
                httpsAddress.Bind(kestrel, listen =>
                {
                    listeners.Https = listen;
                    https.Configure(listen);
                });
            }
        });

        var services = builder.Services;
        services.AddSingleton(listeners);
        services.AddSingleton<ShutdownState>();
        services.AddHostedService<GracefulShutdownService>();
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.Shutdown.Delay + options.Shutdown.DrainTimeout);

        // Nothing the gateway protects outlives the process, and persisted keys would need a writable home directory.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.SectionName));
        services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.SectionName));
        services.AddSingleton(Options.Create(options.AccessLog));
        // Each concern reads its own part of the validated options, so none depends on the composition root.
        services.AddSingleton(Options.Create(options.Canary));
        services.AddSingleton(Options.Create(options.Headers));
        services.AddSingleton(Options.Create(options.Inference));
        services.AddSingleton(Options.Create(options.Inference.EndpointPicker));
        services.AddSingleton(Options.Create(options.PathPolicy));
        services.AddSingleton(Options.Create(options.RateLimiting));
        services.AddSingleton(Options.Create(options.Telemetry));
        options.Tls.ReadsSecrets = options.Kubernetes.IsEnabled;
        services.AddSingleton(Options.Create(options.Tls));
        services.AddSingleton(Options.Create(options.Kubernetes));
        services.AddSingleton(Options.Create(new ConfigFileOptions(options.ConfigFile, options.ConfigFilePollInterval)));
        services.AddGatewayTelemetry(options.Telemetry, listeners.IsOwnPort);
        services.AddSingleton<ModelStore>();
        services.AddSingleton<ProxyConfigApplier>();
        services.AddSingleton<EndpointDestinations>();
        services.AddSingleton<RouteRuntimeTable>();
        services.AddSingleton<RouteSlotRegistry>();
        services.AddGatewayRollouts(options.Rollout);
        services.AddSingleton<IModelApplier, StagedModelApplier>();

        // Stages apply in this order: a new route is authenticated, then limited, then served.
        services.AddGatewayHeaders(); // first: an identity header is stripped from requests before any route sets it
        services.AddSingleton<AuthRegistry>();
        services.AddSingleton<IModelStage>(sp => sp.GetRequiredService<AuthRegistry>());
        services.AddSingleton<IModelStage>(sp => sp.GetRequiredService<RateLimiterRegistry>());
        services.AddSingleton<AuthMetrics>();
        services.AddGatewayRateLimiting();
        services.AddSingleton<ModelFromBodyRoutes>();
        services.AddSingleton<IModelStage>(sp => sp.GetRequiredService<ModelFromBodyRoutes>());
        services.AddSingleton(new InMemoryConfigProvider([], []));
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<InMemoryConfigProvider>());
        services.AddSingleton(new AdminAccess(options.Admin.ReadToken()));
        services.AddSingleton<AdminHandler>();
        services.AddSingleton<ReadinessRegistry>();
        services.AddSingleton<RouteMatcherWarmUp>();
        services.AddSingleton<AppSettingsSource>();
        services.AddHostedService(sp => sp.GetRequiredService<AppSettingsSource>());
        services.AddSingleton<ConfigFileSource>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigFileSource>());
        services.AddHostedService<DemoBackendsService>();
        services.AddKubernetesDiscovery(options.Kubernetes);
        services.AddSingleton<MatcherPolicy, GatewayMatcherPolicy>();
        services.AddSingleton<ITransformFactory, GatewayTransformFactory>();
        services.AddSingleton<ITransformProvider, RawPathTransformProvider>();
        services.AddReverseProxy();
        services.AddConfigValidationCache();
        services.AddGatewayResilience();
        services.AddForwardingSteps(options.Transport.LeanUpstream);
        services.AddGatewayTls();
        services.AddGatewayLoadBalancing();
        services.AddSingleton<Inference.EndpointPicker.PickerChannelPool>();
        services.AddSingleton<Inference.EndpointPicker.EndpointPickerClient>();
        services.AddSingleton<Inference.EndpointPicker.EndpointPickerMetrics>();

        var app = builder.Build();
        var admin = app.Services.GetRequiredService<AdminHandler>();
        app.MapWhen(context => context.Connection.LocalPort == listeners.AdminPort, branch =>
        {
            if (options.Telemetry.Metrics && !options.Admin.ServesMetricsApart)
            {
                branch.UseOpenTelemetryPrometheusScrapingEndpoint();
            }

            branch.Run(admin.InvokeAsync);
        });
        if (options.Admin.ServesMetricsApart)
        {
            // Nothing but /metrics on this port, so it can be opened wider than the admin port.
            app.MapWhen(context => context.Connection.LocalPort == listeners.MetricsPort, branch =>
            {
                branch.UseOpenTelemetryPrometheusScrapingEndpoint();
                branch.Run(AdminHandler.MetricsPortFallbackAsync);
            });
        }
        RequestPipeline.Use(app);
        return app;
    }

    /// <summary>Loads every configuration source, then starts listening. Throws <see cref="StartupException"/> when the configuration is invalid.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        var problems = new List<ModelProblem>();
        problems.AddRange(await app.Services.GetRequiredService<AppSettingsSource>().LoadAsync(cancellationToken));
        problems.AddRange(await app.Services.GetRequiredService<ConfigFileSource>().LoadAsync(cancellationToken));
        if (problems.Count > 0)
        {
            throw new StartupException(problems.Select(p => p.ToString()));
        }

        await app.StartAsync(cancellationToken);
        LogStarted(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayApp).FullName!), GatewayVersion.Version, GatewayVersion.Commit ?? "unknown", RuntimeInformation.FrameworkDescription);
    }

    /// <summary>Runs until SIGTERM/SIGINT; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var app = Build(new WebApplicationOptions { Args = args });
            app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.Transport.ApplyToSocketEngine();
            await StartAsync(app);
            await app.WaitForShutdownAsync();
            return 0;
        }
        catch (StartupException ex)
        {
            foreach (var error in ex.Errors)
            {
                await Console.Error.WriteLineAsync($"gateway: invalid configuration: {error}");
            }

            return 1;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {Version} (commit {Commit}, {Runtime}) started")]
    private static partial void LogStarted(ILogger logger, string version, string commit, string runtime);
}
