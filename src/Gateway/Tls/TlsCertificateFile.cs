namespace Gateway.Tls;

/// <summary>A PEM certificate chain and key on disk (a mounted Secret, say), for the hosts it serves.</summary>
internal sealed class TlsCertificateFile
{
    /// <summary>Host names or <c>*.suffix</c> wildcards; unused for the default certificate.</summary>
    public string[] Hosts { get; set; } = [];

    /// <summary>PEM certificate, leaf first, then intermediates (a Secret's <c>tls.crt</c>).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key, RSA or ECDSA (a Secret's <c>tls.key</c>).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The certificate, or null with the problem as one line naming <paramref name="field"/>.</summary>
    public ServerCertificate? TryLoad(string field, out string? error) =>
        TryRead(field, out var certificate, out var key, out error) ? TryParse(field, certificate, key, out error) : null;

    /// <summary>Reads both PEM files as text, or gives the problem as one line naming <paramref name="field"/>.</summary>
    public bool TryRead(string field, out string certificate, out string key, out string? error)
    {
        certificate = key = "";
        if (string.IsNullOrWhiteSpace(CertificateFile) || string.IsNullOrWhiteSpace(KeyFile))
        {
            error = $"{field} needs both CertificateFile and KeyFile (PEM files)";
            return false;
        }

        try
        {
            certificate = System.IO.File.ReadAllText(CertificateFile);
            key = System.IO.File.ReadAllText(KeyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"{field}: cannot read the certificate or key file: {ex.Message}";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The certificate from the PEM text read by <see cref="TryRead"/>, or null with the problem naming the file.</summary>
    public ServerCertificate? TryParse(string field, string certificate, string key, out string? error)
    {
        if (PemCertificateReader.TryRead(CertificateFile!, certificate, key, out var problem) is not { } loaded)
        {
            var (name, file) = problem!.Part == CertificatePart.Certificate ? ("CertificateFile", CertificateFile) : ("KeyFile", KeyFile);
            error = $"{field}:{name} '{file}' {problem.Message}";
            return null;
        }

        error = null;
        return loaded;
    }
}
