using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Sources.Kubernetes;
using Gateway.Tls;
using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>
/// Reads <c>TlsSecrets</c>: <c>[{ "Hosts": ["a.example.com"], "Secret": "namespace/name" }]</c>, kubernetes.io/tls
/// Secrets to serve by SNI for routes of any source (no hosts: the default certificate).
/// </summary>
internal static class TlsSecretsReader
{
    public static ImmutableArray<TlsBinding> ReadAll(ConfigFieldReader reader, IConfiguration gatewaySection)
    {
        var bindings = ImmutableArray.CreateBuilder<TlsBinding>();
        foreach (var item in ConfigFieldReader.Items(gatewaySection, "TlsSecrets"))
        {
            var obj = $"TLS secret #{item.Key}";
            reader.RejectUnknownKeys(item, obj, "", "Hosts", "Secret");
            var hosts = reader.Strings(item, "Hosts", obj, "");
            foreach (var host in hosts)
            {
                if (!TlsHostName.IsValid(host))
                {
                    reader.Problem(obj, "Hosts", $"'{host}' is not a host name or a *.suffix wildcard");
                }
            }

            var secret = reader.String(item, "Secret", obj, "") ?? "";
            var slash = secret.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !KubernetesNames.IsDnsLabel(secret[..slash]) || !KubernetesNames.IsDnsSubdomain(secret[(slash + 1)..]))
            {
                reader.Problem(obj, "Secret", $"'{secret}' is not 'namespace/name' of a Secret");
                continue;
            }

            bindings.Add(new TlsBinding
            {
                Hostnames = [.. hosts],
                SecretNamespace = secret[..slash],
                SecretName = secret[(slash + 1)..],
                Source = reader.Source,
            });
        }

        return bindings.ToImmutable();
    }
}
