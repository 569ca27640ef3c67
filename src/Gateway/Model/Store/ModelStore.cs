using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Gateway.Model.Validation;
using Microsoft.Extensions.Logging;

namespace Gateway.Model.Store;

/// <summary>
/// Holds the last good model of every source and serves their merge. A source's new snapshot is applied only when it,
/// the merged model and the proxy configuration all validate; otherwise it is rejected whole, logged once, and the
/// previous configuration keeps serving. The parts of a snapshot made from single objects are validated first, one by
/// one: an invalid part is left out with a warning, and the rest of the snapshot goes on.
/// </summary>
internal sealed partial class ModelStore : IDisposable
{
    public const string MeterName = "Gateway";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedDictionary<int, SourceSnapshot> _accepted = [];

    // Unchanged records come back with every offer: each is checked in full once, then only against the merged model.
    private readonly ValidationCache _validated = new();

    // The last snapshot of each source whose last offer was refused; cleared when the source is accepted.
    private readonly SortedDictionary<int, SourceSnapshot> _refused = [];
    private readonly Dictionary<int, ModelParts> _parts = [];
    private readonly IModelApplier _applier;
    private readonly ILogger<ModelStore> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Counter<long> _reloads;
    private volatile ModelStatus _status = ModelStatus.Initial;

    public ModelStore(IModelApplier applier, ILogger<ModelStore> logger, TimeProvider timeProvider, IMeterFactory meterFactory)
    {
        _applier = applier;
        _logger = logger;
        _timeProvider = timeProvider;
        var meter = meterFactory.Create(MeterName);
        _reloads = meter.CreateCounter<long>("gateway.config.reloads", description: "Configuration changes, by result (applied or rejected).");
        meter.CreateObservableGauge(
            "gateway.backend.endpoints",
            () => BackendEndpoints(_status.Model),
            "{endpoint}",
            "Ready endpoints of each backend being served, by backend; at 0 the backend's requests answer 503 (or 500 when it cannot be found).");
    }

    public ModelStatus Status => _status;

    /// <summary>Raised after a configuration was applied, on the thread that published it.</summary>
    public event Action? Applied;

    /// <summary>True once a valid configuration is serving.</summary>
    public bool IsReady => _status.Generation > 0;

    /// <summary>Offers a source's new snapshot; <paramref name="precedence"/> orders sources, higher overriding lower.</summary>
    /// <returns>The problems that made the gateway refuse it; empty when it was applied.</returns>
    public async Task<IReadOnlyList<ModelProblem>> PublishAsync(SourceSnapshot snapshot, int precedence, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_parts.TryGetValue(precedence, out var parts))
            {
                _parts[precedence] = parts = new ModelParts(_validated);
            }

            var problems = await OfferAsync(parts.Admit(snapshot), precedence, cancellationToken);
            if (problems.Count == 0)
            {
                await RetryRefusedAsync(cancellationToken);
            }

            return problems;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Offers again the refused snapshots that only failed because of other sources (a Service naming an auth policy
    /// that the ConfigMap declares, when the Services were published first): a source publishes only when it changes,
    /// so without this its last snapshot would wait for its next change. Failing candidates are not reported again.
    /// </summary>
    private async Task RetryRefusedAsync(CancellationToken cancellationToken)
    {
        foreach (var (precedence, snapshot) in _refused.ToArray())
        {
            if (snapshot.IsValid && Candidate(snapshot, precedence, []).Problems.Count == 0)
            {
                await OfferAsync(snapshot, precedence, cancellationToken);
            }
        }
    }

    private (GatewayModel Merged, List<ModelProblem> Problems) Candidate(SourceSnapshot snapshot, int precedence, List<ModelProblem> warnings)
    {
        // Validate the merge even when the source already has problems, so one report lists every mistake.
        var candidate = new SortedDictionary<int, SourceSnapshot>(_accepted) { [precedence] = snapshot };
        warnings.AddRange(candidate.Values.SelectMany(s => s.Warnings));
        var merged = ApiKeyGrants.Fold(ModelMerger.Merge(RouteConflicts.Resolve([.. candidate.Values], warnings)), warnings);
        return (merged, [.. snapshot.Problems, .. ModelValidator.Validate(merged, _validated)]);
    }

    private async Task<IReadOnlyList<ModelProblem>> OfferAsync(SourceSnapshot snapshot, int precedence, CancellationToken cancellationToken)
    {
        List<ModelProblem> warnings = [];
        var (merged, validation) = Candidate(snapshot, precedence, warnings);
        IReadOnlyList<ModelProblem> problems = validation;
        if (problems.Count == 0)
        {
            problems = await _applier.ApplyAsync(merged, cancellationToken);
        }

        if (problems.Count > 0)
        {
            _refused[precedence] = snapshot;
            Reject(snapshot.Source, problems);
            return problems;
        }

        _refused.Remove(precedence);
        _accepted[precedence] = snapshot;
        var previous = _status;
        _status = new ModelStatus(
            previous.Generation + 1,
            _timeProvider.GetUtcNow(),
            merged,
            [.. _accepted.Values.Select(s => s.Source)],
            previous.LastRejected is { } rejected && rejected.Source == snapshot.Source ? null : previous.LastRejected)
        {
            Warnings = [.. warnings],
        };
        foreach (var warning in warnings.Except(previous.Warnings))
        {
            LogObjectLeftOut(_logger, warning.ToString());
        }

        _reloads.Add(1, new KeyValuePair<string, object?>("result", "applied"));
        LogApplied(_logger, snapshot.Source, merged.Routes.Length, merged.Backends.Count, _status.Generation);
        Applied?.Invoke();
        return [];
    }

    private void Reject(string source, IReadOnlyList<ModelProblem> problems)
    {
        _reloads.Add(1, new KeyValuePair<string, object?>("result", "rejected"));
        var previous = _status.LastRejected;
        var repeated = previous is not null && previous.Source == source && previous.Problems.SequenceEqual(problems);
        _status = _status with { LastRejected = new RejectedChange(source, _timeProvider.GetUtcNow(), [.. problems]) };
        if (repeated)
        {
            return;
        }

        LogRejected(_logger, source, problems.Count, string.Join(Environment.NewLine, problems));
    }

    public void Dispose() => _gate.Dispose();

    // Read at scrape time from the snapshot being served: nothing on the request path.
    private static IEnumerable<Measurement<int>> BackendEndpoints(GatewayModel model)
    {
        foreach (var (name, backend) in model.Backends)
        {
            yield return new Measurement<int>(backend.Endpoints.Count, KeyValuePair.Create("backend", (object?)name));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied configuration from {Source}: {Routes} routes, {Backends} backends (generation {Generation})")]
    private static partial void LogApplied(ILogger logger, string source, int routes, int backends, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogObjectLeftOut(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rejected configuration change from {Source}; the previous configuration keeps serving. {Count} problem(s):\n{Problems}")]
    private static partial void LogRejected(ILogger logger, string source, int count, string problems);
}
