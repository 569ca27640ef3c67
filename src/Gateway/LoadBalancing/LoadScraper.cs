using System.Buffers;
using Gateway.Model;
using Gateway.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// Reads the Prometheus metrics of every endpoint of the load-aware backends, each backend at its own interval, and
/// publishes the readings to <see cref="EndpointLoadTable"/> in one swap per round; then lets queued requests of those
/// backends in where an endpoint has room. A failed or unreadable scrape keeps the last reading, which ages out after the
/// backend's <see cref="LoadAwareSettings.StaleAfterIntervals"/>: the picker then falls back to in-flight counts.
/// </summary>
internal sealed partial class LoadScraper : BackgroundService
{
    /// <summary>A metrics page larger than this is not read (vLLM's is tens of kilobytes).</summary>
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    private readonly IProxyStateLookup _proxyState;
    private readonly ClusterRuntimeTable _clusters;
    private readonly EndpointLoadTable _table;
    private readonly AdmissionQueueTable _queues;
    private readonly TimeProvider _time;
    private readonly ILogger<LoadScraper> _logger;
    private readonly HttpMessageInvoker _client;
    private readonly Dictionary<string, long> _lastScraped = new(StringComparer.Ordinal);

    public LoadScraper(IProxyStateLookup proxyState, ClusterRuntimeTable clusters, EndpointLoadTable table, AdmissionQueueTable queues, TimeProvider time, ILogger<LoadScraper> logger)
    {
        _proxyState = proxyState;
        _clusters = clusters;
        _table = table;
        _queues = queues;
        _time = time;
        _logger = logger;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(1),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        });
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var tick = LoadAwareSettings.DefaultScrapeInterval;
            try
            {
                tick = await ScrapeRoundAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A round that fails must not stop the host (a background service's exception would); the next one retries.
                LogRoundFailed(_logger, ex);
            }

            await Task.Delay(tick, _time, stoppingToken);
        }
    }

    /// <summary>Scrapes the backends that are due and publishes; returns how long to wait before the next round.</summary>
    private async Task<TimeSpan> ScrapeRoundAsync(CancellationToken cancellationToken)
    {
        var tick = LoadAwareSettings.DefaultScrapeInterval;
        var now = _time.GetTimestamp();
        var due = new List<(ClusterState Cluster, LoadAwareSettings Settings)>();
        var all = new List<(ClusterState Cluster, LoadAwareSettings Settings)>();
        foreach (var cluster in _proxyState.GetClusters())
        {
            if (_clusters.Find(cluster.ClusterId).LoadAware is not { } settings)
            {
                continue;
            }

            all.Add((cluster, settings));
            tick = settings.ScrapeInterval < tick ? settings.ScrapeInterval : tick;
            // Half a tick of slack: a backend is not skipped for a round because its timer fired a moment early.
            if (!_lastScraped.TryGetValue(cluster.ClusterId, out var last) || _time.GetElapsedTime(last, now) >= settings.ScrapeInterval / 2)
            {
                due.Add((cluster, settings));
                _lastScraped[cluster.ClusterId] = now;
            }
        }

        // Backends that left the configuration are forgotten.
        foreach (var id in _lastScraped.Keys)
        {
            if (!all.Exists(c => c.Cluster.ClusterId == id))
            {
                _lastScraped.Remove(id);
            }
        }

        var scrapes = new List<(DestinationState Destination, Task<EndpointLoad?> Reading)>();
        foreach (var (cluster, settings) in due)
        {
            foreach (var destination in cluster.Destinations.Values)
            {
                scrapes.Add((destination, ScrapeAsync(cluster.ClusterId, destination, settings, cancellationToken)));
            }
        }

        var previous = _table.Current;
        var next = new Dictionary<DestinationState, EndpointLoad>();
        foreach (var (destination, reading) in scrapes)
        {
            if (await reading is { } load)
            {
                next[destination] = load;
            }
        }

        foreach (var (cluster, _) in all)
        {
            foreach (var destination in cluster.Destinations.Values)
            {
                if (!next.ContainsKey(destination) && previous.TryGetValue(destination, out var kept))
                {
                    next[destination] = kept;
                }
            }
        }

        _table.Publish(next);
        foreach (var (cluster, settings) in all)
        {
            _queues.Pump(cluster, settings, cluster.DestinationsState.AvailableDestinations.Count);
        }

        return tick;
    }

    private async Task<EndpointLoad?> ScrapeAsync(string backend, DestinationState destination, LoadAwareSettings settings, CancellationToken cancellationToken)
    {
        var address = destination.Model.Config.Address;
        byte[]? buffer = null;
        try
        {
            var uri = MetricsUri(address, settings);
            using var timeout = new CancellationTokenSource(settings.ScrapeInterval, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using var response = await _client.SendAsync(request, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogScrapeFailed(_logger, backend, address, $"status {(int)response.StatusCode}");
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxBodyBytes)
                    {
                        LogScrapeFailed(_logger, backend, address, "the metrics page is larger than 4 MiB");
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), linked.Token);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (!PrometheusLoadParser.TryParse(buffer.AsSpan(0, length), out var load))
            {
                LogScrapeFailed(_logger, backend, address, "no queue gauge (vllm:num_requests_waiting, tgi_queue_size or nv_inference_pending_request_count)");
                return null;
            }

            return new EndpointLoad(load, _time.GetTimestamp(), destination.ConcurrentRequestCount);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or UriFormatException && !cancellationToken.IsCancellationRequested)
        {
            LogScrapeFailed(_logger, backend, address, ex.Message);
            return null;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>The endpoint's address with the metrics path, and the metrics port when one is set.</summary>
    private static Uri MetricsUri(string address, LoadAwareSettings settings)
    {
        var builder = new UriBuilder(address) { Path = settings.MetricsPath, Query = "" };
        if (settings.MetricsPort is { } port)
        {
            builder.Port = port;
        }

        return builder.Uri;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of reading model servers' metrics failed; the next round retries")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backend '{Backend}': the metrics of {Endpoint} could not be read ({Reason}); its last reading ages out")]
    private static partial void LogScrapeFailed(ILogger logger, string backend, string endpoint, string reason);
}
