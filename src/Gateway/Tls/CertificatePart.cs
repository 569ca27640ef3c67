namespace Gateway.Tls;

/// <summary>Which half of a certificate/key pair a problem is about.</summary>
internal enum CertificatePart
{
    Certificate,
    Key,
}
