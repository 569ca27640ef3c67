using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>A problem of one Ingress, for its Kubernetes Event; <paramref name="LeftOut"/> when the Ingress is not served because of it.</summary>
internal sealed record IngressReport(V1Ingress Ingress, ModelProblem Problem, bool LeftOut)
{
    public string Reason => LeftOut ? "IngressRejected" : "IngressWarning";

    public string Message => Problem.Field.Length == 0 ? Problem.Message : $"{Problem.Field}: {Problem.Message}";
}
