using Gateway.Demo;
using Gateway.Model;
using Gateway.Observability;
using Gateway.Proxy;
using Gateway.Sources.File;
using Gateway.Sources.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Hosting;

/// <summary>Host wiring: builds the gateway application and starts it only once its configuration is valid.</summary>
internal static class GatewayApp
{
    /// <summary>Builds the application. Throws <see cref="StartupException"/> when process settings are invalid.</summary>
    public static WebApplication Build(WebApplicationOptions hostOptions, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(hostOptions);
        AppSettingsSource.IgnoreReloadFailures(builder.Configuration);
        configure?.Invoke(builder);

        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new StartupException(errors);
        }

        var listeners = new Listeners();
        ListenAddress.TryParse(options.Listen.Http, out var proxyAddress);
        ListenAddress.TryParse(options.Admin.Url, out var adminAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            proxyAddress.Bind(kestrel, listen => listeners.Proxy = listen);
            adminAddress.Bind(kestrel, listen => listeners.Admin = listen);
        });

        var services = builder.Services;
        services.AddSingleton(listeners);
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.SectionName));
        services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.SectionName));
        services.AddSingleton<ModelStore>();
        services.AddSingleton<IModelApplier, ProxyConfigApplier>();
        services.AddSingleton(new InMemoryConfigProvider([], []));
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<InMemoryConfigProvider>());
        services.AddSingleton<AdminHandler>();
        services.AddSingleton<ReadinessRegistry>();
        services.AddSingleton<AppSettingsSource>();
        services.AddHostedService(sp => sp.GetRequiredService<AppSettingsSource>());
        services.AddSingleton<ConfigFileSource>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigFileSource>());
        services.AddHostedService<DemoBackendsService>();
        services.AddKubernetesDiscovery(options.Kubernetes);
        services.AddSingleton<MatcherPolicy, GatewayMatcherPolicy>();
        services.AddSingleton<ITransformFactory, GatewayTransformFactory>();
        services.AddReverseProxy();

        var app = builder.Build();
        var admin = app.Services.GetRequiredService<AdminHandler>();
        app.MapWhen(context => context.Connection.LocalPort == listeners.AdminPort, branch => branch.Run(admin.InvokeAsync));
        app.UseRouting();
        app.UseMiddleware<RouteBehaviorMiddleware>();
        app.MapReverseProxy().ConfigureEndpoints((endpoint, route) =>
            endpoint.Add(builder => builder.Metadata.Add(RouteBehavior.From(route))));
        app.UseEndpoints(_ => { });
        app.Run(context => ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, "No route matches the request."));
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
    }

    /// <summary>Runs until SIGTERM/SIGINT; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var app = Build(new WebApplicationOptions { Args = args });
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
}
