using Gateway.Model;

namespace Gateway.Tls;

/// <summary>One version of a TLS Secret, parsed once: its certificate, or the field that stops it and why.</summary>
internal sealed record ParsedSecret(TlsCertificate Secret, ServerCertificate? Certificate, string? Field, string? Error);
