using Gateway.Sources.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class WatchLoopTests : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    private readonly ScriptedApi _api = new();
    private readonly ResourceCache<V1ConfigMap> _cache = new();
    private readonly RecordingTimeProvider _time = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        await _run;
        _stop.Dispose();
    }

    private void Start()
    {
        var loop = new WatchLoop<V1ConfigMap>(_api.Target, _cache, new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(3)), IdleTimeout, _time, NullLogger.Instance);
        _run = Task.Run(() => loop.RunAsync(_stop.Token));
    }

    private string[] Calls()
    {
        lock (_api.Calls)
        {
            return [.. _api.Calls];
        }
    }

    /// <summary>Waits the loop asked for, apart from the watch's idle timer.</summary>
    private TimeSpan[] BackoffDelays() => [.. _time.Delays.Where(d => d != IdleTimeout)];

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task Lists_then_watches_from_the_list_version_and_applies_events()
    {
        _api.EnqueueList("10", ScriptedApi.Item("a", "9"));
        Start();
        var watch = await _api.NextWatchAsync();
        Assert.Equal(["list", "watch@10"], Calls());
        Assert.True(_cache.IsSynced);

        watch.Send(WatchEventType.Added, ScriptedApi.Item("b", "11"));
        watch.Send(WatchEventType.Deleted, ScriptedApi.Item("a", "12"));
        await Until(() => _cache.Items.Count == 1 && _cache.Items.ContainsKey("default/b"));
    }

    [Fact]
    public async Task Normal_close_rewatches_from_the_last_event_or_bookmark_without_listing()
    {
        _api.EnqueueList("10");
        Start();
        var first = await _api.NextWatchAsync();
        first.Send(WatchEventType.Added, ScriptedApi.Item("a", "11"));
        first.Send(WatchEventType.Bookmark, ScriptedApi.Item("", "15"));
        first.Close();

        await _api.NextWatchAsync();
        Assert.Equal(["list", "watch@10", "watch@15"], Calls());
        Assert.True(_cache.Items.ContainsKey("default/a"));
    }

    [Fact]
    public async Task Gone_relists_at_once_and_replaces_the_cache()
    {
        _api.EnqueueList("10", ScriptedApi.Item("old", "5"));
        _api.EnqueueList("20", ScriptedApi.Item("new", "19"));
        Start();
        var first = await _api.NextWatchAsync();
        first.Fail(ScriptedApi.Gone());

        await _api.NextWatchAsync();
        Assert.Equal(["list", "watch@10", "list", "watch@20"], Calls());
        Assert.Equal(["default/new"], _cache.Items.Keys);
    }

    [Fact]
    public async Task Failures_back_off_before_retrying_and_keep_the_last_known_objects()
    {
        _api.EnqueueList("10", ScriptedApi.Item("a", "9"));
        Start();
        var first = await _api.NextWatchAsync();
        first.Fail(new HttpRequestException("connection reset"));

        // Backoff starts at 1 s with jitter: the first wait is in [0.5 s, 1 s]; nothing is retried before it ends.
        await Until(() => BackoffDelays().Length == 1);
        var delay = BackoffDelays()[0];
        Assert.InRange(delay, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        _time.Advance(delay - TimeSpan.FromMilliseconds(10));
        await Task.Delay(100);
        Assert.Equal(["list", "watch@10"], Calls());
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var second = await _api.NextWatchAsync();
        Assert.Equal(["list", "watch@10", "watch@10"], Calls());
        Assert.True(_cache.Items.ContainsKey("default/a"));

        // Consecutive failures wait longer: the second wait is in [1 s, 2 s].
        second.Fail(new HttpRequestException("connection reset"));
        await Until(() => BackoffDelays().Length == 2);
        Assert.InRange(BackoffDelays()[1], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        _time.Advance(BackoffDelays()[1]);
        var third = await _api.NextWatchAsync();
        Assert.True(_cache.Items.ContainsKey("default/a"));

        // An event proves the connection healthy again: the next failure starts from the initial delay.
        third.Send(WatchEventType.Modified, ScriptedApi.Item("a", "11"));
        third.Fail(new HttpRequestException("connection reset"));
        await Until(() => BackoffDelays().Length == 3);
        Assert.InRange(BackoffDelays()[2], TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_failing_list_is_retried_with_backoff_and_the_cache_is_not_synced_meanwhile()
    {
        _api.EnqueueListFailure();
        _api.EnqueueList("10", ScriptedApi.Item("a", "9"));
        Start();
        await Until(() => BackoffDelays().Length == 1);
        Assert.False(_cache.IsSynced);

        _time.Advance(BackoffDelays()[0]);
        await _api.NextWatchAsync();
        Assert.Equal(["list", "list", "watch@10"], Calls());
        Assert.True(_cache.IsSynced);
    }

    [Fact]
    public async Task A_silent_watch_is_abandoned_after_the_idle_timeout_and_resumed_from_the_last_version()
    {
        _api.EnqueueList("10");
        Start();
        var first = await _api.NextWatchAsync();
        await Until(() => _time.Delays.Contains(IdleTimeout));

        // An event resets the idle clock: six minutes after the watch opened, but four after its last event, it is kept.
        _time.Advance(TimeSpan.FromMinutes(2));
        first.Send(WatchEventType.Added, ScriptedApi.Item("a", "12"));
        await Until(() => _cache.Items.ContainsKey("default/a"));
        _time.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(100);
        Assert.Equal(["list", "watch@10"], Calls());

        _time.Advance(TimeSpan.FromMinutes(1));
        await _api.NextWatchAsync();
        Assert.Equal(["list", "watch@10", "watch@12"], Calls());
    }
}
