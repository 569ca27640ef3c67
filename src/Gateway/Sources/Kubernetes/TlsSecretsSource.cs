using Gateway.Model;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>The certificates of the kubernetes.io/tls Secrets in every watched namespace.</summary>
internal sealed class TlsSecretsSource : IKubernetesSource
{
    private readonly ResourceCache<V1Secret>[] _secrets;
    private readonly TlsSecretProcessor _processor;

    public TlsSecretsSource(KubernetesWatches watches, IKubernetes client, IReadOnlyList<string?> namespaces, KubernetesEventRecorder events)
    {
        _secrets = [.. namespaces.Select(ns => watches.Watch(KubernetesQueries.TlsSecrets(client, ns)))];
        _processor = new TlsSecretProcessor(events);
        Caches = _secrets;
    }

    public string Name => TlsSecretProcessor.Source;

    public int Precedence => SourcePrecedence.KubernetesTlsSecrets;

    public IReadOnlyList<IResourceCache> Caches { get; }

    public SourceSnapshot Build() => _processor.Build(_secrets.SelectMany(c => c.Items.Values));
}
