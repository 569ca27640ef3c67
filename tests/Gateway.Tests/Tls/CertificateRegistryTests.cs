using Gateway.Model;
using Gateway.Sources.Kubernetes;
using Gateway.Tls;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Tls;

/// <summary>
/// The registry fed as the gateway feeds it: Secrets read by the Kubernetes TLS Secrets processor into the model's
/// certificates, bindings from another source, both applied as one model.
/// </summary>
public sealed class CertificateRegistryTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CertificateStore _store = new();
    private readonly TlsSecretProcessor _secrets = new(events: null);
    private readonly ListLoggerProvider _logs = new();
    private readonly CertificateRegistry _registry;
    private GatewayModel _listed = GatewayModel.Empty;
    private TlsBinding[] _bindings = [];

    public CertificateRegistryTests()
    {
        using var factory = LoggerFactory.Create(b => b.AddProvider(_logs));
        _registry = new CertificateRegistry(Options.Create(new TlsOptions { ReadsSecrets = true }), _store, _time, factory.CreateLogger<CertificateRegistry>());
    }

    [Fact]
    public async Task A_bound_secret_is_not_reported_missing_before_the_secrets_have_listed_and_serves_its_hosts_after()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com");
        await BindAsync(Binding("a-tls", "a.example.com"));
        Assert.Empty(_registry.Problems);
        Assert.Null(_store.Current.Select("a.example.com", out _));

        await ListAsync(TestPem.Secret("a-tls", certificate, key));

        Assert.Equal("secret models/a-tls", _store.Current.Select("a.example.com", out _)!.Name);
        Assert.Null(_store.Current.Select("b.example.com", out _));
        Assert.Empty(_registry.Problems);
    }

    [Fact]
    public async Task A_bound_secret_without_kubernetes_discovery_is_reported_as_unreadable()
    {
        using var factory = LoggerFactory.Create(b => b.AddProvider(_logs));
        var registry = new CertificateRegistry(Options.Create(new TlsOptions()), _store, _time, factory.CreateLogger<CertificateRegistry>());

        await registry.ApplyAsync(GatewayModel.Empty with { TlsBindings = [Binding("a-tls", "a.example.com")] }, CancellationToken.None);

        var problem = Assert.Single(registry.Problems);
        Assert.Equal("Secret 'models/a-tls'", problem.Object);
        Assert.StartsWith("cannot be read: Kubernetes discovery is off", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_version_keeps_the_last_good_certificate_and_is_reported_once_with_its_field()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com");
        var (_, otherKey) = TestPem.SelfSigned("b.example.com");
        await ListAsync(TestPem.Secret("a-tls", certificate, key));
        await BindAsync(Binding("a-tls", "a.example.com"));
        var good = _store.Current.Select("a.example.com", out _);

        await ListAsync(TestPem.Secret("a-tls", certificate, otherKey, version: "2"));
        await ListAsync(TestPem.Secret("a-tls", certificate, otherKey, version: "2"));

        Assert.Same(good, _store.Current.Select("a.example.com", out _));
        var problem = Assert.Single(_registry.Problems);
        Assert.Equal(("Secret 'models/a-tls'", "data[tls.key]"), (problem.Object, problem.Field));
        Assert.EndsWith("the last good certificate keeps serving", problem.Message, StringComparison.Ordinal);
        Assert.Single(_logs.Messages, m => m.Contains("data[tls.key]", StringComparison.Ordinal));

        await ListAsync(TestPem.Secret("a-tls", "", key, version: "3"));
        Assert.Equal("data[tls.crt]", Assert.Single(_registry.Problems).Field);
        Assert.Same(good, _store.Current.Select("a.example.com", out _));
    }

    [Fact]
    public async Task A_missing_or_deleted_secret_is_reported_and_its_hosts_fall_back_to_the_default()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com");
        var (fallbackCertificate, fallbackKey) = TestPem.SelfSigned("default.test");
        var fallback = TestPem.Secret("default-tls", fallbackCertificate, fallbackKey);
        await ListAsync(TestPem.Secret("a-tls", certificate, key), fallback);
        await BindAsync(Binding("a-tls", "a.example.com"), Binding("default-tls"), Binding("missing", "m.example.com"));
        Assert.Contains(_registry.Problems, p => p.Object == "Secret 'models/missing'" && p.Message.StartsWith("not found", StringComparison.Ordinal));
        Assert.Equal("secret models/a-tls", _store.Current.Select("a.example.com", out _)!.Name);

        await ListAsync(fallback);

        Assert.Equal("secret models/default-tls", _store.Current.Select("a.example.com", out var match)!.Name);
        Assert.Equal(SniMatch.Default, match);
    }

    [Fact]
    public async Task A_deleted_secret_created_again_broken_has_no_last_good_certificate()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com");
        await ListAsync(TestPem.Secret("a-tls", certificate, key));
        await BindAsync(Binding("a-tls", "a.example.com"));
        await ListAsync();

        await ListAsync(TestPem.Secret("a-tls", certificate, "", version: "5"));

        Assert.Null(_store.Current.Select("a.example.com", out _));
        Assert.EndsWith("its hosts get the default certificate", Assert.Single(_registry.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_secret_no_binding_names_is_not_reported()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com");
        var (_, otherKey) = TestPem.SelfSigned("b.example.com");
        await BindAsync(Binding("a-tls", "a.example.com"));

        await ListAsync(TestPem.Secret("a-tls", certificate, key), TestPem.Secret("other-tls", certificate, otherKey), TestPem.Secret("empty-tls", "", ""));

        Assert.Empty(_registry.Problems);
        Assert.Equal("secret models/a-tls", _store.Current.Select("a.example.com", out _)!.Name);
    }

    [Fact]
    public async Task An_expired_certificate_is_still_served_and_reported()
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com", notAfter: _time.GetUtcNow().AddDays(1));
        await ListAsync(TestPem.Secret("a-tls", certificate, key));
        _time.Advance(TimeSpan.FromDays(2));

        await BindAsync(Binding("a-tls", "a.example.com"));

        Assert.NotNull(_store.Current.Select("a.example.com", out _));
        Assert.Contains("expired", Assert.Single(_registry.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_binding_of_the_same_host_wins()
    {
        var (first, firstKey) = TestPem.SelfSigned("a.example.com");
        var (second, secondKey) = TestPem.SelfSigned("a.example.com");
        await ListAsync(TestPem.Secret("first", first, firstKey), TestPem.Secret("second", second, secondKey));

        await BindAsync(Binding("first", "a.example.com"), Binding("second", "A.example.com"));

        Assert.Equal("secret models/second", _store.Current.Select("a.example.com", out _)!.Name);
    }

    private Task ListAsync(params V1Secret[] secrets)
    {
        _listed = _secrets.Build(secrets).Model;
        return ApplyAsync();
    }

    private Task BindAsync(params TlsBinding[] bindings)
    {
        _bindings = bindings;
        return ApplyAsync();
    }

    private Task ApplyAsync() =>
        _registry.ApplyAsync(_listed with { TlsBindings = [.. _bindings] }, CancellationToken.None).AsTask();

    private static TlsBinding Binding(string secret, params string[] hosts) =>
        new() { Hostnames = [.. hosts], SecretNamespace = "models", SecretName = secret, Source = "test" };
}
