namespace Gateway.Tls;

/// <summary>One version of a TLS Secret, read once: its certificate, or why it cannot be served.</summary>
internal sealed record ParsedSecret(string ResourceVersion, ServerCertificate? Certificate, string? Field, string? Error);
