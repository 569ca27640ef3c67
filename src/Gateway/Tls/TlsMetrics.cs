using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;

namespace Gateway.Tls;

/// <summary>Handshakes by how their certificate was chosen, and how long each served certificate has left.</summary>
internal sealed class TlsMetrics
{
    private static readonly KeyValuePair<string, object?>[][] Outcomes =
        [.. Enum.GetValues<SniMatch>().Select(m => new[] { KeyValuePair.Create("outcome", (object?)m.ToString().ToLowerInvariant()) })];

    private readonly Counter<long> _handshakes;

    public TlsMetrics(IMeterFactory meterFactory, CertificateStore store, TimeProvider timeProvider)
    {
        var meter = meterFactory.Create(ModelStore.MeterName);
        _handshakes = meter.CreateCounter<long>(
            "gateway.tls.handshakes", "{handshake}", "TLS handshakes by certificate choice: exact, wildcard, default, or none (refused: no certificate).");
        meter.CreateObservableGauge(
            "gateway.tls.certificate.expiry",
            () => Expiries(store.Current, timeProvider.GetUtcNow()),
            "s",
            "Seconds until each served certificate's notAfter, by host (\"*\" for the default certificate) and certificate.");
    }

    public void Handshake(SniMatch match) => _handshakes.Add(1, Outcomes[(int)match]);

    private static IEnumerable<Measurement<double>> Expiries(SniTable table, DateTimeOffset now)
    {
        foreach (var (host, certificate) in table.Hosts)
        {
            yield return Expiry(host, certificate, now);
        }

        if (table.Default is { } fallback)
        {
            yield return Expiry("*", fallback, now);
        }
    }

    private static Measurement<double> Expiry(string host, ServerCertificate certificate, DateTimeOffset now) =>
        new((certificate.NotAfter - now).TotalSeconds, KeyValuePair.Create("host", (object?)host), KeyValuePair.Create("certificate", (object?)certificate.Name));
}
