using Gateway.Model;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>The gateway ConfigMap watched through the API: the same JSON as the <c>Gateway</c> section of appsettings.json.</summary>
internal sealed class ConfigMapSource : IKubernetesSource
{
    private readonly ResourceCache<V1ConfigMap> _configMap;
    private readonly ConfigMapProcessor _processor;

    public ConfigMapSource(KubernetesWatches watches, IKubernetes client, string ns, string name, string key)
    {
        _configMap = watches.Watch(KubernetesQueries.ConfigMap(client, ns, name));
        _processor = new ConfigMapProcessor(ns, name, key);
        Name = ConfigMapProcessor.SourceName(ns, name);
        Caches = [_configMap];
    }

    public string Name { get; }

    public int Precedence => SourcePrecedence.KubernetesConfigMap;

    public IReadOnlyList<IResourceCache> Caches { get; }

    public SourceSnapshot Build() => _processor.Build(_configMap.Items.Values.FirstOrDefault());
}
