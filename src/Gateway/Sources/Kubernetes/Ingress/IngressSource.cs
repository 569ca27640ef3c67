using Gateway.Model;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>
/// The Ingresses of the gateway's IngressClass with their ingress-nginx annotations; each build posts Events for the
/// problems found and (on the leader replica) writes the served Ingresses' load-balancer status.
/// </summary>
internal sealed class IngressSource : IKubernetesSource
{
    private readonly ResourceCache<V1Ingress>[] _ingresses;
    private readonly ResourceCache<V1IngressClass> _classes;
    private readonly ServiceCatalogSource _catalog;
    private readonly IngressProcessor _processor;
    private readonly IngressStatusWriter _statusWriter;
    private readonly KubernetesEventRecorder _events;

    public IngressSource(
        KubernetesWatches watches,
        IKubernetes client,
        KubernetesOptions options,
        IReadOnlyList<string?> namespaces,
        ServiceCatalogSource catalog,
        KubernetesEventRecorder events,
        KubernetesLeadership leadership,
        ILogger logger)
    {
        _ingresses = [.. namespaces.Select(ns => watches.Watch(IngressQueries.Ingresses(client, ns)))];
        _classes = watches.Watch(IngressQueries.IngressClasses(client));
        _catalog = catalog;
        _processor = new IngressProcessor(options.Ingress);
        _statusWriter = new IngressStatusWriter(client, options, leadership, logger);
        watches.Run(_statusWriter.RunAsync);
        _events = events;
        Caches = [.. _ingresses, _classes, .. catalog.Caches];
    }

    public string Name => IngressProcessor.Source;

    public int Precedence => SourcePrecedence.KubernetesIngress;

    public IReadOnlyList<IResourceCache> Caches { get; }

    public SourceSnapshot Build()
    {
        var catalog = _catalog.Current();
        var build = _processor.Build(_ingresses.SelectMany(c => c.Items.Values), _classes.Items.Values, catalog);
        foreach (var report in build.Reports)
        {
            _events.Warn(report.Ingress, report.Reason, report.Message);
        }

        _statusWriter.Update(build.Ours, catalog);
        return build.Snapshot;
    }
}
