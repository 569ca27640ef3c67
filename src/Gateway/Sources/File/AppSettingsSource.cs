using System.Text.Json;
using System.Threading.Channels;
using Gateway.Model;
using Gateway.Model.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Gateway.Sources.File;

/// <summary>
/// Routes and backends from the host configuration's <c>Gateway</c> section (appsettings.json, environment, command
/// line), re-read whenever the host reloads it.
/// </summary>
internal sealed partial class AppSettingsSource(IConfiguration configuration, ModelStore store, ILogger<AppSettingsSource> logger) : BackgroundService
{
    public const string SourceName = "appsettings";

    // One pending signal is enough: the loop always reads the newest configuration.
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private string? _lastPublished;

    /// <summary>Reads and publishes the current configuration; returns what prevented it from serving.</summary>
    public Task<IReadOnlyList<ModelProblem>> LoadAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = Read();
        _lastPublished = Fingerprint(snapshot);
        return store.PublishAsync(snapshot, SourcePrecedence.AppSettings, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => _changes.Writer.TryWrite(true));
        await foreach (var _ in _changes.Reader.ReadAllAsync(stoppingToken))
        {
            var snapshot = Read();
            var fingerprint = Fingerprint(snapshot);
            if (fingerprint == _lastPublished)
            {
                continue;
            }

            _lastPublished = fingerprint;
            try
            {
                await store.PublishAsync(snapshot, SourcePrecedence.AppSettings, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPublishFailed(logger, ex);
            }
        }
    }

    /// <summary>
    /// Keeps a malformed appsettings file from crashing the process on reload: the host's JSON provider would throw on its
    /// file-watcher thread. The failure is reported through <see cref="Read"/> instead.
    /// </summary>
    public static void IgnoreReloadFailures(IConfigurationBuilder builder)
    {
        foreach (var source in builder.Sources.OfType<JsonConfigurationSource>())
        {
            source.OnLoadException = context => context.Ignore = true;
        }
    }

    private SourceSnapshot Read()
    {
        // A file that failed to parse has been emptied by its provider; refuse rather than serve nothing.
        var fileProblems = new List<ModelProblem>();
        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.OfType<JsonConfigurationProvider>())
            {
                if (provider.Source.FileProvider?.GetFileInfo(provider.Source.Path ?? "").PhysicalPath is { } path
                    && JsonConfigFile.Check(path) is { } error)
                {
                    fileProblems.Add(new ModelProblem(Path.GetFileName(path), "file", "", error));
                }
            }
        }

        if (fileProblems.Count > 0)
        {
            return new SourceSnapshot(SourceName, GatewayModel.Empty, [.. fileProblems]);
        }

        return GatewayConfigReader.Read(configuration.GetSection(GatewaySection.Name), SourceName, GatewayConfigReader.AppSettingsKeys);
    }

    private static string Fingerprint(SourceSnapshot snapshot) => JsonSerializer.Serialize(snapshot, ModelJson.Options);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying the reloaded appsettings failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
