using Gateway.Primitives;
using Gateway.Rollout;
using Gateway.Sources.Kubernetes.Rollouts;
using k8s;
using k8s.Exceptions;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Sources.Kubernetes.Discovery;

/// <summary>Registers Kubernetes discovery when it is enabled, connecting as the client library resolves it.</summary>
internal static class KubernetesDiscovery
{
    /// <summary>Throws <see cref="StartupException"/> when the kubeconfig or in-cluster credentials cannot be loaded.</summary>
    public static void AddKubernetesDiscovery(this IServiceCollection services, KubernetesOptions options)
    {
        if (!options.IsEnabled)
        {
            return;
        }

        KubernetesClientConfiguration configuration;
        try
        {
            configuration = options.Kubeconfig is { } path
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : KubernetesClientConfiguration.BuildDefaultConfig();
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new StartupException([$"Gateway:Kubernetes: cannot load the Kubernetes client configuration ({options.Kubeconfig ?? "KUBECONFIG, ~/.kube/config or in-cluster"}): {ex.Message}"]);
        }

        services.AddSingleton(configuration);
        services.AddSingleton<IKubernetes>(_ => new k8s.Kubernetes(configuration, new ThreadPoolResponseHandler()));
        services.AddSingleton<KubernetesMetrics>();
        services.AddSingleton<KubernetesEventRecorder>();
        services.AddSingleton<IRolloutObserver, RolloutEvents>();
        services.AddSingleton(new KubernetesLeadership(options.LeaderElection.Enabled));
        if (options.LeaderElection.Enabled)
        {
            services.AddSingleton(options.LeaderElection);
            services.AddHostedService<LeaderElectionService>();

            // Replicas share their rollouts only when one of them leads.
            services.AddSingleton<RolloutStateConfigMap>();
            services.AddSingleton<IRolloutStateShare>(sp => sp.GetRequiredService<RolloutStateConfigMap>());
            services.AddHostedService(sp => sp.GetRequiredService<RolloutStateConfigMap>());

            // ... and the leader judges on every replica's counts.
            services.AddSingleton<RolloutStatisticsConfigMaps>();
            services.AddSingleton<IRolloutStatisticsShare>(sp => sp.GetRequiredService<RolloutStatisticsConfigMaps>());
            services.AddHostedService(sp => sp.GetRequiredService<RolloutStatisticsConfigMaps>());
        }

        services.AddHostedService<KubernetesDiscoveryService>();
    }
}
