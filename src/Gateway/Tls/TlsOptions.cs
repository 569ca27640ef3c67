namespace Gateway.Tls;

/// <summary>
/// The <c>Gateway:Tls</c> section: certificates from files (checked at start-up, reloaded when they change), and where
/// HTTP->HTTPS redirects point.
/// Certificates from Kubernetes Secrets are routing configuration instead (Ingress <c>spec.tls</c>, <c>TlsSecrets</c>).
/// </summary>
internal sealed class TlsOptions
{
    /// <summary>Served when no other certificate matches the client's server name (or it sent none).</summary>
    public TlsCertificateFile? DefaultCertificate { get; set; }

    /// <summary>Certificates for given hosts; a Secret bound to the same host takes precedence.</summary>
    public List<TlsCertificateFile> Certificates { get; set; } = [];

    /// <summary>
    /// The HTTPS port clients reach (the Service's 443, not the container's 8443): redirects name it unless it is 443.
    /// </summary>
    public int RedirectPort { get; set; } = 443;

    /// <summary>How often the certificate files are read again; a renewed certificate is served from the next check.</summary>
    public TimeSpan FileCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether certificates can come from Kubernetes Secrets (discovery is on), set by the host from <c>Gateway:Kubernetes</c>;
    /// not a setting of this section, so configuration cannot bind it.
    /// </summary>
    public bool ReadsSecrets { get; internal set; }

    public bool HasFileCertificates => DefaultCertificate is not null || Certificates.Count > 0;

    /// <summary>Every problem with these settings, as one line each; loads each file once to prove it serves.</summary>
    public IEnumerable<string> Validate()
    {
        if (RedirectPort is < 1 or > 65535)
        {
            yield return $"Gateway:Tls:RedirectPort {RedirectPort} must be between 1 and 65535";
        }

        if (FileCheckInterval <= TimeSpan.Zero)
        {
            yield return $"Gateway:Tls:FileCheckInterval '{FileCheckInterval}' must be greater than zero";
        }

        if (DefaultCertificate is { } fallback && fallback.TryLoad("Gateway:Tls:DefaultCertificate", out var error) is null)
        {
            yield return error!;
        }

        for (var i = 0; i < Certificates.Count; i++)
        {
            var field = $"Gateway:Tls:Certificates:{i}";
            if (Certificates[i].Hosts.Length == 0)
            {
                yield return $"{field}:Hosts must name at least one host (use DefaultCertificate for the fallback)";
            }

            foreach (var host in Certificates[i].Hosts)
            {
                if (!TlsHostName.IsValid(host))
                {
                    yield return $"{field}:Hosts '{host}' is not a host name or a *.suffix wildcard";
                }
            }

            if (Certificates[i].TryLoad(field, out var certificateError) is null)
            {
                yield return certificateError!;
            }
        }
    }
}
