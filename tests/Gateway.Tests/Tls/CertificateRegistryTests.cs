using System.Text;
using Gateway.Model;
using Gateway.Observability;
using Gateway.Sources.Kubernetes;
using Gateway.Tls;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Tls;

public sealed class CertificateRegistryTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CertificateStore _store = new();
    private readonly ResourceCache<V1Secret> _secrets = new();
    private readonly ReadinessRegistry _readiness = new();
    private readonly ListLoggerProvider _logs = new();
    private readonly CertificateRegistry _registry;

    public CertificateRegistryTests()
    {
        using var factory = LoggerFactory.Create(b => b.AddProvider(_logs));
        _registry = new CertificateRegistry(Options.Create(new TlsOptions()), _store, _time, factory.CreateLogger<CertificateRegistry>());
        _registry.WatchSecrets([_secrets], _readiness, events: null);
    }

    [Fact]
    public async Task A_bound_secret_serves_its_hosts_once_listed_and_the_component_is_ready()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com");
        await ApplyAsync(Binding("a-tls", "a.example.com"));
        Assert.False(_readiness.IsReady);
        Assert.Empty(_registry.Problems);

        _secrets.Replace([Secret("a-tls", certificate, key)]);

        Assert.True(_readiness.IsReady);
        Assert.Equal("secret models/a-tls", _store.Current.Select("a.example.com", out _)!.Name);
        Assert.Null(_store.Current.Select("b.example.com", out _));
    }

    [Fact]
    public async Task A_broken_version_keeps_the_last_good_certificate_and_is_reported_once_with_its_field()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com");
        var (_, otherKey) = TestPem.SelfSigned("b.example.com");
        _secrets.Replace([Secret("a-tls", certificate, key)]);
        await ApplyAsync(Binding("a-tls", "a.example.com"));
        var good = _store.Current.Select("a.example.com", out _);

        _secrets.Upsert(Secret("a-tls", certificate, otherKey, version: "2"));
        _secrets.Upsert(Secret("a-tls", certificate, otherKey, version: "2"));

        Assert.Same(good, _store.Current.Select("a.example.com", out _));
        var problem = Assert.Single(_registry.Problems);
        Assert.Equal(("Secret 'models/a-tls'", "data[tls.key]"), (problem.Object, problem.Field));
        Assert.EndsWith("the last good certificate keeps serving", problem.Message, StringComparison.Ordinal);
        Assert.Single(_logs.Messages, m => m.Contains("data[tls.key]", StringComparison.Ordinal));

        _secrets.Upsert(Secret("a-tls", "", key, version: "3"));
        Assert.Equal("data[tls.crt]", Assert.Single(_registry.Problems).Field);
    }

    [Fact]
    public async Task A_missing_or_deleted_secret_is_reported_and_its_hosts_fall_back_to_the_default()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com");
        var (fallbackCertificate, fallbackKey) = TestPem.SelfSigned("default.test");
        _secrets.Replace([Secret("a-tls", certificate, key), Secret("default-tls", fallbackCertificate, fallbackKey)]);
        await ApplyAsync(Binding("a-tls", "a.example.com"), Binding("default-tls"), Binding("missing", "m.example.com"));
        Assert.Contains(_registry.Problems, p => p.Object == "Secret 'models/missing'" && p.Message.StartsWith("not found", StringComparison.Ordinal));
        Assert.Equal("secret models/a-tls", _store.Current.Select("a.example.com", out _)!.Name);

        _secrets.Remove(Secret("a-tls", certificate, key));

        Assert.Equal("secret models/default-tls", _store.Current.Select("a.example.com", out var match)!.Name);
        Assert.Equal(SniMatch.Default, match);
    }

    [Fact]
    public async Task An_expired_certificate_is_still_served_and_reported()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com", notAfter: _time.GetUtcNow().AddDays(1));
        _secrets.Replace([Secret("a-tls", certificate, key)]);
        _time.Advance(TimeSpan.FromDays(2));

        await ApplyAsync(Binding("a-tls", "a.example.com"));

        Assert.NotNull(_store.Current.Select("a.example.com", out _));
        Assert.Contains("expired", Assert.Single(_registry.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_binding_of_the_same_host_wins()
    {
        var (first, firstKey) = TestPem.SelfSigned("a.example.com");
        var (second, secondKey) = TestPem.SelfSigned("a.example.com");
        _secrets.Replace([Secret("first", first, firstKey), Secret("second", second, secondKey)]);

        await ApplyAsync(Binding("first", "a.example.com"), Binding("second", "A.example.com"));

        Assert.Equal("secret models/second", _store.Current.Select("a.example.com", out _)!.Name);
    }

    private Task ApplyAsync(params TlsBinding[] bindings) =>
        _registry.ApplyAsync(GatewayModel.Empty with { TlsBindings = [.. bindings] }, CancellationToken.None).AsTask();

    private static TlsBinding Binding(string secret, params string[] hosts) =>
        new() { Hostnames = [.. hosts], SecretNamespace = "models", SecretName = secret, Source = "test" };

    private static V1Secret Secret(string name, string certificate, string key, string version = "1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "models", ResourceVersion = version },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.UTF8.GetBytes(certificate), ["tls.key"] = Encoding.UTF8.GetBytes(key) },
    };
}
