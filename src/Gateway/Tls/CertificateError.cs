namespace Gateway.Tls;

/// <summary>Why a certificate/key pair cannot be served, and which half is at fault.</summary>
internal sealed record CertificateError(CertificatePart Part, string Message);
