using Gateway.Model;
using k8s;

namespace Gateway.Sources.Kubernetes;

/// <summary>The API keys of the Secrets labelled for the gateway, in every watched namespace.</summary>
internal sealed class ApiKeySecretsSource : IKubernetesSource
{
    private readonly ResourceCache<ApiKeySecret>[] _secrets;
    private readonly ApiKeySecretProcessor _processor = new();

    public ApiKeySecretsSource(KubernetesWatches watches, IKubernetes client, IReadOnlyList<string?> namespaces)
    {
        _secrets = [.. namespaces.Select(ns => watches.Watch(KubernetesQueries.ApiKeySecrets(client, ns)))];
        Caches = _secrets;
    }

    public string Name => ApiKeySecretProcessor.Source;

    public int Precedence => SourcePrecedence.KubernetesApiKeySecrets;

    public IReadOnlyList<IResourceCache> Caches { get; }

    public SourceSnapshot Build() => _processor.Build(_secrets.SelectMany(c => c.Items.Values));
}
