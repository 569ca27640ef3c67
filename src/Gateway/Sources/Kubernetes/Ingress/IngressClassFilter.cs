using Gateway.Sources.Kubernetes.Annotations;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>
/// Decides which Ingresses are the gateway's: the legacy <c>kubernetes.io/ingress.class</c> annotation, else
/// <c>spec.ingressClassName</c>, names our class (or an IngressClass whose controller is ours); an Ingress naming no
/// class is ours when one of our IngressClasses is marked the cluster default.
/// </summary>
internal sealed class IngressClassFilter(IngressOptions options)
{
    public const string DefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    public Func<V1Ingress, bool> For(IEnumerable<V1IngressClass> classes)
    {
        var ours = new HashSet<string>(StringComparer.Ordinal) { options.ClassName };
        var defaultIsOurs = false;
        foreach (var ingressClass in classes)
        {
            if (ingressClass.Spec?.Controller != options.ControllerName)
            {
                continue;
            }

            ours.Add(ingressClass.Metadata.Name);
            defaultIsOurs |= ingressClass.Metadata.Annotations?.TryGetValue(DefaultClassAnnotation, out var value) == true && value == "true";
        }

        var watchDefault = options.WatchDefaultClass && defaultIsOurs;
        return ingress =>
        {
            var className = ingress.Metadata.Annotations?.TryGetValue(NginxAnnotations.LegacyClass, out var legacy) == true ? legacy : ingress.Spec?.IngressClassName;
            return className is null ? watchDefault : ours.Contains(className);
        };
    }
}
