using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Observability;
using Gateway.Sources.Kubernetes;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Tls;

/// <summary>
/// Decides which certificate serves which host and swaps the result into the <see cref="CertificateStore"/>: file
/// certificates from <c>Gateway:Tls</c>, overridden by the model's <see cref="GatewayModel.TlsBindings"/> to
/// kubernetes.io/tls Secrets. Rebuilt when the model applies (it is a model stage) and when a watched Secret changes.
/// A Secret that cannot be served is reported (log once, /config, an Event on the Secret) and its last good
/// certificate keeps serving; the routing model is never rejected because of a certificate.
/// </summary>
internal sealed partial class CertificateRegistry : IModelStage
{
    public const string SecretsComponent = "kubernetes tls secrets";

    /// <summary>The source named in problems with certificate files.</summary>
    private const string FileSource = "tls files";

    private readonly Lock _gate = new();
    private readonly CertificateStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CertificateRegistry> _logger;
    private readonly FileCertificate? _fileDefault;
    private readonly FileCertificate[] _files;
    private readonly FileCertificate[] _fileDefaultAndHosts;
    private SecretCertificates? _secrets;
    private KubernetesEventRecorder? _events;
    private ImmutableArray<ModelProblem> _problems = [];

    public CertificateRegistry(IOptions<TlsOptions> options, CertificateStore store, TimeProvider timeProvider, ILogger<CertificateRegistry> logger)
    {
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;

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

    /// <summary>
    /// Reads TLS Secrets from these caches from now on; the component is ready once every cache has listed. Problems with
    /// a Secret are posted as Events on it through <paramref name="events"/> when given.
    /// </summary>
    public void WatchSecrets(IReadOnlyList<ResourceCache<V1Secret>> caches, ReadinessRegistry readiness, KubernetesEventRecorder? events)
    {
        readiness.Expect(SecretsComponent);
        var secrets = new SecretCertificates(caches);
        lock (_gate)
        {
            _secrets = secrets;
            _events = events;
        }

        foreach (var cache in caches)
        {
            cache.Changed += () =>
            {
                Rebuild();
                if (secrets.IsSynced)
                {
                    readiness.Ready(SecretsComponent);
                }
            };
        }
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
            var reported = new List<(V1Secret Secret, string Message)>();
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

            var used = _secrets?.BeginRebuild();
            _secrets?.ForgetDeleted();
            var now = _timeProvider.GetUtcNow();
            foreach (var binding in Applied.TlsBindings)
            {
                if (Resolve(binding, used, now, problems, reported) is not { } certificate)
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

            if (used is not null)
            {
                _secrets!.EndRebuild(used);
            }

            _store.Swap(new SniTable(hosts, fallback));
            Report([.. problems.Distinct()], reported);
        }
    }

    private ServerCertificate? Resolve(TlsBinding binding, Dictionary<string, ParsedSecret>? used, DateTimeOffset now, List<ModelProblem> problems, List<(V1Secret, string)> reported)
    {
        var key = $"{binding.SecretNamespace}/{binding.SecretName}";
        var obj = $"Secret '{key}'";
        if (_secrets is null || used is null)
        {
            problems.Add(new ModelProblem(binding.Source, obj, "", "cannot be read: Kubernetes discovery is off (Gateway:Kubernetes:Enabled)"));
            return null;
        }

        if (_secrets.Find(key, used) is not { } found)
        {
            if (_secrets.IsSynced)
            {
                problems.Add(new ModelProblem(binding.Source, obj, "", $"not found (or not of type {SecretCertificates.TlsType}); its hosts get the default certificate"));
            }

            return null;
        }

        var (secret, parsed, lastGood) = found;
        if (parsed.Error is { } error)
        {
            var consequence = lastGood is null ? "its hosts get the default certificate" : "the last good certificate keeps serving";
            var problem = new ModelProblem(binding.Source, obj, parsed.Field!, $"{error}; {consequence}");
            problems.Add(problem);
            reported.Add((secret, $"field '{problem.Field}' {problem.Message}"));
            return lastGood;
        }

        var certificate = parsed.Certificate!;
        if (certificate.NotAfter <= now)
        {
            var problem = new ModelProblem(binding.Source, obj, "data[tls.crt]", $"the certificate expired at {certificate.NotAfter:u}; it is still served");
            problems.Add(problem);
            reported.Add((secret, $"field '{problem.Field}' {problem.Message}"));
        }

        return certificate;
    }

    private void Report(ImmutableArray<ModelProblem> problems, List<(V1Secret Secret, string Message)> reported)
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
            _events?.Warn(secret, "InvalidCertificate", message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded the certificate of {Field} from '{File}', valid until {NotAfter:u}")]
    private static partial void LogFileReloaded(ILogger logger, string field, string file, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
