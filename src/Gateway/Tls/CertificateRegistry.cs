using System.Collections.Immutable;
using System.Text;
using Gateway.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Tls;

/// <summary>
/// Decides which certificate serves which host and swaps the result into the <see cref="CertificateStore"/>: file
/// certificates from <c>Gateway:Tls</c>, overridden by the model's <see cref="GatewayModel.TlsBindings"/> to
/// kubernetes.io/tls Secrets, whose PEM texts a source put in <see cref="GatewayModel.TlsCertificates"/>; each Secret
/// version a binding names is parsed once. Rebuilt when the model applies (it is a model stage) and when a certificate
/// file changes. A bound Secret that cannot be served is reported (log once, /config, an Event on the Secret through
/// <see cref="TlsCertificate.Warn"/>) and its last good certificate keeps serving; the routing model is never rejected
/// because of a certificate.
/// </summary>
internal sealed partial class CertificateRegistry : IModelStage
{
    /// <summary>The source named in problems with certificate files.</summary>
    private const string FileSource = "tls files";

    private readonly Lock _gate = new();
    private readonly CertificateStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CertificateRegistry> _logger;
    private readonly FileCertificate? _fileDefault;
    private readonly FileCertificate[] _files;
    private readonly FileCertificate[] _fileDefaultAndHosts;
    private readonly bool _readsSecrets;
    private readonly Dictionary<string, ServerCertificate> _lastGood = new(StringComparer.Ordinal);
    private Dictionary<string, ParsedSecret> _parsed = new(StringComparer.Ordinal);
    private ImmutableArray<ModelProblem> _problems = [];

    public CertificateRegistry(IOptions<TlsOptions> options, CertificateStore store, TimeProvider timeProvider, ILogger<CertificateRegistry> logger)
    {
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
        _readsSecrets = options.Value.ReadsSecrets;

        // Validated at start-up, so loading succeeds unless a file changed in between; then it is reported.
        var tls = options.Value;
        _fileDefault = tls.DefaultCertificate is { } fallback ? new FileCertificate("Gateway:Tls:DefaultCertificate", fallback) : null;
        _files = [.. tls.Certificates.Select((file, i) => new FileCertificate($"Gateway:Tls:Certificates:{i}", file))];
        _fileDefaultAndHosts = _fileDefault is null ? _files : [_fileDefault, .. _files];
        Rebuild();
    }

    public GatewayModel Applied { get; private set; } = GatewayModel.Empty;

    /// <summary>What is wrong with the Secrets the model binds, for /config.</summary>
    public ImmutableArray<ModelProblem> Problems => _problems;

    public IReadOnlyList<ModelProblem> Check(GatewayModel model) => [];

    /// <summary>Whether any certificate comes from files, which <see cref="CertificateFileWatcher"/> then checks.</summary>
    public bool HasFiles => _fileDefaultAndHosts.Length > 0;

    /// <summary>Reads the certificate files again and swaps in what changed; a change that cannot be served is reported.</summary>
    public void RefreshFiles()
    {
        var changed = false;
        foreach (var file in _fileDefaultAndHosts)
        {
            if (file.Refresh())
            {
                changed = true;
                if (file.Problem is null)
                {
                    LogFileReloaded(_logger, file.Field, file.File.CertificateFile!, file.Current!.NotAfter);
                }
            }
        }

        if (changed)
        {
            Rebuild();
        }
    }

    public ValueTask ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        Applied = model;
        Rebuild();
        return ValueTask.CompletedTask;
    }

    /// <summary>The certificates in force and the problems, for /config.</summary>
    public object Describe()
    {
        var table = _store.Current;
        return new
        {
            Certificates = table.Hosts
                .Select(h => new { Host = h.Key, Certificate = h.Value.Name, h.Value.NotAfter })
                .OrderBy(h => h.Host, StringComparer.Ordinal),
            Default = table.Default is { } fallback ? new { Certificate = fallback.Name, fallback.NotAfter } : null,
            Problems = _problems.Select(p => p.ToString()),
        };
    }

    private void Rebuild()
    {
        lock (_gate)
        {
            var problems = new List<ModelProblem>();
            var reported = new List<(TlsCertificate Secret, string Message)>();
            var hosts = new List<KeyValuePair<string, ServerCertificate>>();
            foreach (var file in _files)
            {
                if (file.Current is { } loaded)
                {
                    hosts.AddRange(file.File.Hosts.Select(host => KeyValuePair.Create(host, loaded)));
                }
            }

            var fallback = _fileDefault?.Current;
            foreach (var file in _fileDefaultAndHosts)
            {
                if (file.Problem is { } fileProblem)
                {
                    problems.Add(new ModelProblem(FileSource, file.Field, "", fileProblem));
                }
            }

            var secrets = new Dictionary<string, TlsCertificate>(StringComparer.Ordinal);
            foreach (var secret in Applied.TlsCertificates)
            {
                secrets[secret.Key] = secret;
            }

            // A deleted Secret stops serving: created again broken, it has no last good certificate.
            foreach (var key in _lastGood.Keys.ToList())
            {
                if (!secrets.ContainsKey(key))
                {
                    _lastGood.Remove(key);
                }
            }

            var parsed = new Dictionary<string, ParsedSecret>(StringComparer.Ordinal);
            var now = _timeProvider.GetUtcNow();
            foreach (var binding in Applied.TlsBindings)
            {
                if (Resolve(binding, secrets, parsed, now, problems, reported) is not { } certificate)
                {
                    continue;
                }

                if (binding.Hostnames.IsEmpty)
                {
                    fallback = certificate;
                }
                else
                {
                    hosts.AddRange(binding.Hostnames.Select(host => KeyValuePair.Create(host, certificate)));
                }
            }

            // Parses of Secrets no binding names any more are dropped.
            _parsed = parsed;
            _store.Swap(new SniTable(hosts, fallback));
            Report([.. problems.Distinct()], reported);
        }
    }

    private ServerCertificate? Resolve(TlsBinding binding, Dictionary<string, TlsCertificate> secrets, Dictionary<string, ParsedSecret> parsed, DateTimeOffset now, List<ModelProblem> problems, List<(TlsCertificate, string)> reported)
    {
        var key = $"{binding.SecretNamespace}/{binding.SecretName}";
        var obj = $"Secret '{key}'";
        if (!Applied.TlsSecretsListed)
        {
            // Until the Secrets have listed (the gateway is not ready before), a bound Secret is not missing yet.
            if (!_readsSecrets)
            {
                problems.Add(new ModelProblem(binding.Source, obj, "", "cannot be read: Kubernetes discovery is off (Gateway:Kubernetes:Enabled)"));
            }

            return null;
        }

        if (!secrets.TryGetValue(key, out var secret))
        {
            problems.Add(new ModelProblem(binding.Source, obj, "", $"not found (or not of type {TlsCertificate.SecretType}); its hosts get the default certificate"));
            return null;
        }

        var read = Parse(key, secret, parsed);
        if (read.Error is { } error)
        {
            var lastGood = _lastGood.GetValueOrDefault(key);
            var consequence = lastGood is null ? "its hosts get the default certificate" : "the last good certificate keeps serving";
            var problem = new ModelProblem(binding.Source, obj, read.Field!, $"{error}; {consequence}");
            problems.Add(problem);
            reported.Add((secret, $"field '{problem.Field}' {problem.Message}"));
            return lastGood;
        }

        var certificate = read.Certificate!;
        if (certificate.NotAfter <= now)
        {
            var problem = new ModelProblem(binding.Source, obj, "data[tls.crt]", $"the certificate expired at {certificate.NotAfter:u}; it is still served");
            problems.Add(problem);
            reported.Add((secret, $"field '{problem.Field}' {problem.Message}"));
        }

        return certificate;
    }

    /// <summary>The parse of this version of the Secret <paramref name="key"/>: the earlier one when the record is the same.</summary>
    private ParsedSecret Parse(string key, TlsCertificate secret, Dictionary<string, ParsedSecret> parsed)
    {
        if ((parsed.TryGetValue(key, out var known) || _parsed.TryGetValue(key, out known)) && ReferenceEquals(known.Secret, secret))
        {
            parsed[key] = known;
            return known;
        }

        ParsedSecret read;
        if (secret.ErrorField is { } field)
        {
            read = new ParsedSecret(secret, null, field, secret.Error);
        }
        else
        {
            var certificate = PemCertificateReader.TryRead("secret " + key, Encoding.UTF8.GetString(secret.CertificatePem.Span), Encoding.UTF8.GetString(secret.KeyPem.Span), out var error);
            read = certificate is not null
                ? new ParsedSecret(secret, certificate, null, null)
                : new ParsedSecret(secret, null, error!.Part == CertificatePart.Certificate ? "data[tls.crt]" : "data[tls.key]", error.Message);
            if (certificate is not null)
            {
                _lastGood[key] = certificate;
            }
        }

        parsed[key] = read;
        return read;
    }

    private void Report(ImmutableArray<ModelProblem> problems, List<(TlsCertificate Secret, string Message)> reported)
    {
        var previous = _problems;
        _problems = problems;
        foreach (var problem in problems)
        {
            if (!previous.Contains(problem))
            {
                LogProblem(_logger, problem.ToString());
            }
        }

        foreach (var (secret, message) in reported)
        {
            secret.Warn?.Invoke(message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded the certificate of {Field} from '{File}', valid until {NotAfter:u}")]
    private static partial void LogFileReloaded(ILogger logger, string field, string file, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
