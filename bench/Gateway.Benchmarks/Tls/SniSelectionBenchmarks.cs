using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Gateway.Tls;

namespace Gateway.Benchmarks.Tls;

/// <summary>
/// Cost of choosing the certificate of one TLS handshake from a table of 1,000 exact hosts and 100 wildcards (the work
/// the gateway adds to each handshake). Every benchmark must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class SniSelectionBenchmarks
{
    private SniTable _table = null!;

    [GlobalSetup]
    public void Setup()
    {
        var certificate = SelfSigned();
        var hosts = new List<KeyValuePair<string, ServerCertificate>>();
        for (var i = 0; i < 1000; i++)
        {
            hosts.Add(KeyValuePair.Create($"model-{i}.example.com", certificate));
        }

        for (var i = 0; i < 100; i++)
        {
            hosts.Add(KeyValuePair.Create($"*.team-{i}.example.org", certificate));
        }

        _table = new SniTable(hosts, certificate);
    }

    [Benchmark(Baseline = true)]
    public bool Exact() => _table.Select("model-517.example.com", out _) is not null;

    [Benchmark]
    public bool ExactOtherCase() => _table.Select("Model-517.Example.com", out _) is not null;

    [Benchmark]
    public bool Wildcard() => _table.Select("gpu.team-42.example.org", out _) is not null;

    [Benchmark]
    public bool Fallback() => _table.Select("unknown.example.net", out _) is not null;

    private static ServerCertificate SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=bench", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return PemCertificateReader.TryRead("bench", certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), out _)!;
    }
}
