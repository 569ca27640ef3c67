using System.Security.Cryptography;
using Gateway.Model;
using Gateway.Model.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Sources.File;

/// <summary>
/// Routes and backends from <c>Gateway:ConfigFile</c>, the JSON of a mounted ConfigMap, overriding appsettings.
/// The file is polled by content hash: a ConfigMap update swaps a symlink, which file-change events do not report.
/// </summary>
internal sealed partial class ConfigFileSource(
    IOptions<ConfigFileOptions> options,
    ModelStore store,
    TimeProvider timeProvider,
    ILogger<ConfigFileSource> logger) : BackgroundService
{
    private byte[]? _lastHash;

    public string? Path => options.Value.Path;

    /// <summary>Reads and publishes the file when one is configured; returns what prevented it from serving.</summary>
    public async Task<IReadOnlyList<ModelProblem>> LoadAsync(CancellationToken cancellationToken = default) =>
        Path is null ? [] : await PublishIfChangedAsync(cancellationToken) ?? [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Path is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PublishIfChangedAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(logger, Path, ex);
            }
        }
    }

    private async Task<IReadOnlyList<ModelProblem>?> PublishIfChangedAsync(CancellationToken cancellationToken)
    {
        var path = Path!;
        var source = System.IO.Path.GetFileName(path);
        byte[]? content;
        string? readError = null;
        try
        {
            content = await System.IO.File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            content = null;
            readError = ex is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : $"cannot be read: {ex.Message}";
        }

        var hash = content is null ? [] : SHA256.HashData(content);
        if (_lastHash is not null && hash.AsSpan().SequenceEqual(_lastHash))
        {
            return null;
        }

        _lastHash = hash;
        SourceSnapshot snapshot;
        if (content is null)
        {
            snapshot = new SourceSnapshot(source, GatewayModel.Empty, [new ModelProblem(source, "file", "", $"'{path}' {readError}")]);
        }
        else if (JsonConfigFile.TryLoad(content, out var parseError) is { } config)
        {
            snapshot = GatewayConfigReader.Read(config, source, GatewayConfigReader.RoutingKeys);
        }
        else
        {
            snapshot = new SourceSnapshot(source, GatewayModel.Empty, [new ModelProblem(source, "file", "", parseError!)]);
        }

        return await store.PublishAsync(snapshot, SourcePrecedence.ConfigFile, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking config file {Path} failed")]
    private static partial void LogPollFailed(ILogger logger, string path, Exception exception);
}
