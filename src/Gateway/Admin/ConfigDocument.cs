using System.Text.Json;
using Gateway.Model;
using Gateway.Sources.Kubernetes;

namespace Gateway.Admin;

/// <summary>
/// The admin <c>/config</c> document: the model being served, the last rejected change, warnings, leadership and
/// certificates. Written with <see cref="ModelJson.Redacted"/>, so no secret the model holds leaves the process.
/// </summary>
internal static class ConfigDocument
{
    public static byte[] ToUtf8Json(ModelStatus status, object tls, KubernetesLeadership? leadership) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new
            {
                status.Generation,
                status.AppliedAt,
                status.Sources,
                LastRejected = status.LastRejected is { } rejected
                    ? new { rejected.Source, rejected.At, Problems = rejected.Problems.Select(p => p.ToString()), Details = rejected.Problems }
                    : null,
                Warnings = status.Warnings.Select(p => p.ToString()),
                Kubernetes = leadership is null ? null : new { Leader = leadership.IsLeader, leadership.Identity },
                status.Model,
                Tls = tls,
            },
            ModelJson.Redacted);
}
