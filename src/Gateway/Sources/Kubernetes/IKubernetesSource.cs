using Gateway.Model;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// One Kubernetes source as the <see cref="SnapshotPublisher"/> runs it: the caches it reads and the snapshot it builds
/// from them. Every source has this one shape; the publisher alone hands snapshots to the model store.
/// </summary>
internal interface IKubernetesSource
{
    /// <summary>The source's name in snapshots, readiness and logs, e.g. <c>kubernetes services</c>.</summary>
    string Name { get; }

    /// <summary>The source's rank among all sources (see <see cref="SourcePrecedence"/>).</summary>
    int Precedence { get; }

    /// <summary>The caches the snapshot is built from: a change to any of them rebuilds it, and nothing is built before all have listed.</summary>
    IReadOnlyList<IResourceCache> Caches { get; }

    /// <summary>The model of the caches' current contents; the previous snapshot itself when nothing changed.</summary>
    SourceSnapshot Build();
}
