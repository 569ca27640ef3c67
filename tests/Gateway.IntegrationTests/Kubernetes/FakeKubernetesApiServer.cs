using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// A Kubernetes API server on a loopback port that speaks the list/watch protocol the real client uses: lists carry a
/// resourceVersion; <c>?watch=1</c> streams ADDED/MODIFIED/DELETED/BOOKMARK events as JSON lines from a resourceVersion;
/// a resourceVersion older than the kept history gets one ERROR event (Status 410, reason Expired), as a real server
/// does. Tests change objects, drop connections abruptly, close watches cleanly, stall lists, or take it "down".
/// Clients may also create objects (Events), write a status subresource, and get one object; API groups can be hidden
/// as when their CRDs are not installed.
/// </summary>
public sealed class FakeKubernetesApiServer : IAsyncDisposable
{
    private static readonly FakeResourceKind[] Kinds =
    [
        new("services", "", ["v1"], "Service"),
        new("endpointslices", "discovery.k8s.io", ["v1"], "EndpointSlice"),
        new("configmaps", "", ["v1"], "ConfigMap"),
        new("secrets", "", ["v1"], "Secret"),
        new("pods", "", ["v1"], "Pod"),
        new("namespaces", "", ["v1"], "Namespace", Namespaced: false),
        new("events", "events.k8s.io", ["v1"], "Event"),
        new("leases", "coordination.k8s.io", ["v1"], "Lease"),
        new("ingresses", "networking.k8s.io", ["v1"], "Ingress"),
        new("ingressclasses", "networking.k8s.io", ["v1"], "IngressClass", Namespaced: false),
        new("gatewayclasses", "gateway.networking.k8s.io", ["v1"], "GatewayClass", Namespaced: false),
        new("gateways", "gateway.networking.k8s.io", ["v1"], "Gateway"),
        new("httproutes", "gateway.networking.k8s.io", ["v1"], "HTTPRoute"),
        new("referencegrants", "gateway.networking.k8s.io", ["v1beta1"], "ReferenceGrant"),
        new("virtualservices", "networking.istio.io", ["v1", "v1beta1", "v1alpha3"], "VirtualService"),
        new("destinationrules", "networking.istio.io", ["v1", "v1beta1", "v1alpha3"], "DestinationRule"),
        new("inferencepools", "inference.networking.k8s.io", ["v1"], "InferencePool"),
    ];

    private readonly object _lock = new();
    private readonly WebApplication _app;
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = new(StringComparer.Ordinal);
    private readonly List<(long Version, string Kind, string Type, JsonObject Object, JsonObject? Previous)> _history = [];
    private readonly List<FakeWatchConnection> _watches = [];
    private readonly Dictionary<string, int> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _watchRequests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _listServed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requests = new();
    private readonly HashSet<string> _hiddenGroups = new(StringComparer.Ordinal);
    private readonly HashSet<(string Plural, string Verb)> _forbidden = [];
    private readonly List<(string Plural, JsonObject Object)> _created = [];
    private TaskCompletionSource _listsReleased = CompletedSource();
    private long _version = 1000;
    private long _oldestWatchable;
    private volatile bool _down;

    private FakeKubernetesApiServer(WebApplication app)
    {
        _app = app;
        foreach (var kind in Kinds)
        {
            _objects[kind.Plural] = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        }
    }

    public string Url { get; private set; } = "";

    /// <summary>How often open watches that asked for bookmarks get one.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public static async Task<FakeKubernetesApiServer> StartAsync()
    {
        var app = LoopbackApp.Create();
        var server = new FakeKubernetesApiServer(app);
        app.Run(server.HandleAsync);
        server.Url = await LoopbackApp.StartAsync(app);
        _ = server.SendBookmarksAsync();
        return server;
    }

    /// <summary>Writes a kubeconfig pointing at this server, as <c>kubectl</c> would have it.</summary>
    public async Task<string> WriteKubeconfigAsync(string directory)
    {
        var path = Path.Combine(directory, "kubeconfig");
        await File.WriteAllTextAsync(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: tester
                namespace: default
            current-context: fake
            users:
            - name: tester
              user:
                token: test-token
            """);
        return path;
    }

    /// <summary>
    /// Creates or replaces an object (ADDED or MODIFIED to watchers); its kind comes from its <c>kind</c> and
    /// <c>apiVersion</c> fields, and an object without a namespace is cluster-scoped.
    /// </summary>
    public void Apply(JsonObject item)
    {
        var kind = KindOf(item);
        lock (_lock)
        {
            var stored = (JsonObject)item.DeepClone();
            var metadata = (JsonObject)stored["metadata"]!;
            var key = $"{metadata["namespace"]}/{metadata["name"]}";
            var previous = _objects[kind].GetValueOrDefault(key);
            metadata["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
            metadata["uid"] ??= Guid.NewGuid().ToString();
            _objects[kind][key] = stored;
            Record(kind, previous is null ? "ADDED" : "MODIFIED", stored, previous);
        }
    }

    public void Delete(string kind, string ns, string name)
    {
        lock (_lock)
        {
            if (_objects[kind].Remove($"{ns}/{name}", out var removed))
            {
                var deleted = (JsonObject)removed.DeepClone();
                deleted["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
                Record(kind, "DELETED", deleted, null);
            }
        }
    }

    /// <summary>Forgets all history: a watch from any version seen so far gets 410 Gone, as after etcd compaction.</summary>
    public void ExpireHistory()
    {
        lock (_lock)
        {
            _oldestWatchable = _version + 1;
            _history.Clear();
        }
    }

    /// <summary>Aborts every open watch connection mid-stream, as when the API server or a load balancer dies.</summary>
    public void DropConnections()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                watch.Context.Abort();
            }
        }
    }

    /// <summary>Ends every open watch cleanly, as the server does when a watch's timeout expires.</summary>
    public void CloseWatches()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                watch.Lines.Writer.TryComplete();
            }
        }
    }

    /// <summary>Open watches stay connected but never get another byte, as when a connection dies without a reset.</summary>
    public void StallWatches()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                watch.Stalled = true;
            }
        }
    }

    /// <summary>While down, every request's connection is aborted without an answer.</summary>
    public bool Down
    {
        get => _down;
        set
        {
            _down = value;
            if (value)
            {
                DropConnections();
            }
        }
    }

    /// <summary>Makes list requests wait until <see cref="ReleaseLists"/>, to observe the gateway before its first sync.</summary>
    public void HoldLists()
    {
        lock (_lock)
        {
            _listsReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void ReleaseLists() => _listsReleased.TrySetResult();

    /// <summary>Every request received, as <c>METHOD path?query</c>, to compare what the gateway asks for with its RBAC rules.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    public int ListCount(string kind)
    {
        lock (_lock)
        {
            return _lists.GetValueOrDefault(kind);
        }
    }

    /// <summary>When the last list of <paramref name="kind"/> was fully written to a client.</summary>
    public DateTimeOffset? ListServedAt(string kind)
    {
        lock (_lock)
        {
            return _listServed.TryGetValue(kind, out var at) ? at : null;
        }
    }

    public int WatchRequestCount(string kind)
    {
        lock (_lock)
        {
            return _watchRequests.GetValueOrDefault(kind);
        }
    }

    public int OpenWatchCount(string kind)
    {
        lock (_lock)
        {
            return _watches.Count(w => w.Kind == kind);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        _requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        if (_down)
        {
            context.Abort();
            return;
        }

        var requestPath = context.Request.Path.Value ?? "";
        if (requestPath.TrimEnd('/') == "/apis" && context.Request.Method == "GET")
        {
            await WriteJsonAsync(context, StatusCodes.Status200OK, GroupList());
            return;
        }

        var path = FakeRequestPath.Parse(requestPath);
        var kind = path is null ? null : Array.Find(Kinds, k => k.Matches(path.Group, path.Version, path.Plural));
        bool hidden;
        lock (_lock)
        {
            hidden = kind is not null && _hiddenGroups.Contains(kind.Group);
        }

        if (path is null || kind is null || hidden)
        {
            await WriteStatusAsync(context, StatusCodes.Status404NotFound, "NotFound", $"the server could not find the requested resource ({requestPath})");
            return;
        }

        switch (context.Request.Method, path.Name, path.Subresource)
        {
            case ("GET", null, null):
                var query = context.Request.Query;
                var filter = new FakeWatchFilter(path.Namespace, Selector(query["labelSelector"]), Selector(query["fieldSelector"]));
                var watching = query["watch"] is { Count: > 0 } watch && (watch[0] == "1" || watch[0] == "true");
                if (IsForbidden(kind.Plural, watching ? "watch" : "list"))
                {
                    await WriteForbiddenAsync(context, kind, watching ? "watch" : "list", path.Namespace);
                }
                else if (watching)
                {
                    await WatchAsync(context, kind, filter, query["resourceVersion"].ToString(), query["allowWatchBookmarks"] == "true");
                }
                else
                {
                    await ListAsync(context, kind, filter);
                }

                break;
            case ("GET", { } name, null):
                await WriteObjectAsync(context, Get(kind.Plural, path.Namespace, name), StatusCodes.Status200OK, kind, name);
                break;
            case ("POST", null, null):
                await CreateAsync(context, kind, path.Namespace);
                break;
            case ("PUT", { } name, null):
                await ReplaceAsync(context, kind, path.Namespace, name);
                break;
            case ("PUT" or "PATCH", { } name, "status"):
                await WriteStatusSubresourceAsync(context, kind, path.Namespace, name);
                break;
            default:
                await WriteStatusAsync(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", $"{context.Request.Method} is not supported on {requestPath} by the fake API server");
                break;
        }
    }

    /// <summary>Hides an API group (404 on its paths, absent from <c>/apis</c>) as when its CRDs are not installed, or serves it again.</summary>
    public void ServeGroup(string group, bool served)
    {
        lock (_lock)
        {
            if (served)
            {
                _hiddenGroups.Remove(group);
            }
            else
            {
                _hiddenGroups.Add(group);
            }
        }
    }

    /// <summary>
    /// Refuses <paramref name="verb"/> (<c>list</c> or <c>watch</c>) on <paramref name="plural"/> with 403 Forbidden, as
    /// an API server answers a service account whose roles lack the rule; <paramref name="forbidden"/> false grants it again.
    /// </summary>
    public void Forbid(string plural, string verb, bool forbidden = true)
    {
        lock (_lock)
        {
            if (forbidden)
            {
                _forbidden.Add((plural, verb));
            }
            else
            {
                _forbidden.Remove((plural, verb));
            }
        }
    }

    private bool IsForbidden(string plural, string verb)
    {
        lock (_lock)
        {
            return _forbidden.Contains((plural, verb));
        }
    }

    /// <summary>The API server's answer to a request RBAC does not allow: a Status naming the user, verb, resource and scope.</summary>
    private static Task WriteForbiddenAsync(HttpContext context, FakeResourceKind kind, string verb, string? ns)
    {
        var resource = kind.Group.Length == 0 ? kind.Plural : $"{kind.Plural}.{kind.Group}";
        var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        return WriteJsonAsync(context, StatusCodes.Status403Forbidden, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"{resource} is forbidden: User \"system:serviceaccount:mlgateway-system:mlgateway\" cannot {verb} resource \"{kind.Plural}\" in API group \"{kind.Group}\" {scope}",
            ["reason"] = "Forbidden",
            ["details"] = new JsonObject { ["group"] = kind.Group, ["kind"] = kind.Plural },
            ["code"] = StatusCodes.Status403Forbidden,
        });
    }

    /// <summary>The stored object, or null; <paramref name="ns"/> is null for cluster-scoped kinds.</summary>
    public JsonObject? Get(string plural, string? ns, string name)
    {
        lock (_lock)
        {
            return _objects[plural].TryGetValue($"{ns}/{name}", out var item) ? (JsonObject)item.DeepClone() : null;
        }
    }

    /// <summary>The objects of <paramref name="plural"/> that clients created with POST (e.g. events), oldest first.</summary>
    public IReadOnlyList<JsonObject> Created(string plural)
    {
        lock (_lock)
        {
            return [.. _created.Where(c => c.Plural == plural).Select(c => (JsonObject)c.Object.DeepClone())];
        }
    }

    private async Task CreateAsync(HttpContext context, FakeResourceKind kind, string? ns)
    {
        var item = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        if (item?["metadata"] is not JsonObject metadata)
        {
            await WriteStatusAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "the body is not an object with metadata");
            return;
        }

        if (ns is null)
        {
            metadata.Remove("namespace");
        }
        else
        {
            metadata["namespace"] = ns;
        }

        if (metadata["name"] is null)
        {
            metadata["name"] = metadata["generateName"]?.GetValue<string>() + Guid.NewGuid().ToString("N")[..5];
        }

        item["kind"] = kind.Kind;
        item["apiVersion"] = kind.ApiVersion;
        bool exists;
        lock (_lock)
        {
            exists = _objects[kind.Plural].ContainsKey($"{ns}/{metadata["name"]}");
            if (!exists)
            {
                _created.Add((kind.Plural, (JsonObject)item.DeepClone()));
                Apply(item);
            }
        }

        if (exists)
        {
            await WriteStatusAsync(context, StatusCodes.Status409Conflict, "AlreadyExists", $"{kind.Plural} \"{item["metadata"]!["name"]}\" already exists");
            return;
        }

        await WriteObjectAsync(context, Get(kind.Plural, ns, metadata["name"]!.GetValue<string>()), StatusCodes.Status201Created, kind, "");
    }

    /// <summary>PUT of an object replaces it, if the client read the newest version (409 Conflict otherwise, as leader election relies on).</summary>
    private async Task ReplaceAsync(HttpContext context, FakeResourceKind kind, string? ns, string name)
    {
        var item = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        string? conflict;
        lock (_lock)
        {
            var stored = _objects[kind.Plural].GetValueOrDefault($"{ns}/{name}");
            var version = item?["metadata"]?["resourceVersion"]?.GetValue<string>();
            conflict = stored is null ? "NotFound"
                : version is not null && version != stored["metadata"]!["resourceVersion"]!.GetValue<string>() ? "Conflict"
                : null;
            if (conflict is null)
            {
                item!["kind"] = kind.Kind;
                item["apiVersion"] = kind.ApiVersion;
                item["metadata"]!["uid"] = stored!["metadata"]!["uid"]?.DeepClone();
                Apply(item);
            }
        }

        switch (conflict)
        {
            case "NotFound":
                await WriteObjectAsync(context, null, StatusCodes.Status404NotFound, kind, name);
                break;
            case "Conflict":
                await WriteStatusAsync(context, StatusCodes.Status409Conflict, "Conflict", $"Operation cannot be fulfilled on {kind.Plural} \"{name}\": the object has been modified");
                break;
            default:
                await WriteObjectAsync(context, Get(kind.Plural, ns, name), StatusCodes.Status200OK, kind, name);
                break;
        }
    }

    /// <summary>PUT replaces the status; PATCH merges the patch's status into it (JSON merge patch, which strategic merge is for status).</summary>
    private async Task WriteStatusSubresourceAsync(HttpContext context, FakeResourceKind kind, string? ns, string name)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        if (context.Request.Method == "PATCH" && context.Request.ContentType?.StartsWith("application/json-patch+json", StringComparison.Ordinal) == true)
        {
            await WriteStatusAsync(context, StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", "the fake API server takes merge patches only");
            return;
        }

        JsonObject? updated;
        lock (_lock)
        {
            updated = _objects[kind.Plural].GetValueOrDefault($"{ns}/{name}")?.DeepClone() as JsonObject;
            if (updated is not null)
            {
                var status = body?["status"]?.DeepClone();
                updated["status"] = context.Request.Method == "PUT" ? status : MergePatch(updated["status"], status);
                Apply(updated);
            }
        }

        await WriteObjectAsync(context, updated is null ? null : Get(kind.Plural, ns, name), StatusCodes.Status200OK, kind, name);
    }

    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch;
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject.ToArray())
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key]?.DeepClone(), value.DeepClone());
            }
        }

        return result;
    }

    private static async Task WriteObjectAsync(HttpContext context, JsonObject? item, int status, FakeResourceKind kind, string name)
    {
        if (item is null)
        {
            await WriteStatusAsync(context, StatusCodes.Status404NotFound, "NotFound", $"{kind.Plural} \"{name}\" not found");
            return;
        }

        await WriteJsonAsync(context, status, item);
    }

    private JsonObject GroupList()
    {
        var groups = new JsonArray();
        lock (_lock)
        {
            foreach (var group in Kinds.Where(k => k.Group.Length > 0 && !_hiddenGroups.Contains(k.Group)).GroupBy(k => k.Group))
            {
                var versions = group.SelectMany(k => k.Versions).Distinct().ToArray();
                groups.Add(new JsonObject
                {
                    ["name"] = group.Key,
                    ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{group.Key}/{v}", ["version"] = v })]),
                    ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group.Key}/{versions[0]}", ["version"] = versions[0] },
                });
            }
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
    }

    private async Task ListAsync(HttpContext context, FakeResourceKind kind, FakeWatchFilter filter)
    {
        Task released;
        lock (_lock)
        {
            _lists[kind.Plural] = _lists.GetValueOrDefault(kind.Plural) + 1;
            released = _listsReleased.Task;
        }

        await released.WaitAsync(context.RequestAborted);
        JsonObject list;
        lock (_lock)
        {
            var items = new JsonArray();
            foreach (var item in _objects[kind.Plural].Values.Where(filter.Matches))
            {
                items.Add(item.DeepClone());
            }

            list = new JsonObject
            {
                ["apiVersion"] = kind.ApiVersion,
                ["kind"] = kind.Kind + "List",
                ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
                ["items"] = items,
            };
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(list.ToJsonString());
        lock (_lock)
        {
            _listServed[kind.Plural] = DateTimeOffset.UtcNow;
        }
    }

    private async Task WatchAsync(HttpContext context, FakeResourceKind kind, FakeWatchFilter filter, string resourceVersion, bool bookmarks)
    {
        var connection = new FakeWatchConnection(context, filter, bookmarks, kind);
        lock (_lock)
        {
            _watchRequests[kind.Plural] = _watchRequests.GetValueOrDefault(kind.Plural) + 1;
            if (resourceVersion is "" or "0")
            {
                // No version: the current state as ADDED events, then changes.
                foreach (var item in _objects[kind.Plural].Values.Where(filter.Matches))
                {
                    connection.Lines.Writer.TryWrite(Event("ADDED", item));
                }
            }
            else if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from) || from < _oldestWatchable)
            {
                connection.Lines.Writer.TryWrite(Event("ERROR", new JsonObject
                {
                    ["kind"] = "Status",
                    ["apiVersion"] = "v1",
                    ["metadata"] = new JsonObject(),
                    ["status"] = "Failure",
                    ["message"] = $"too old resource version: {resourceVersion} ({_oldestWatchable})",
                    ["reason"] = "Expired",
                    ["code"] = 410,
                }));
                connection.Lines.Writer.TryComplete();
            }
            else
            {
                foreach (var (version, eventKind, type, item, previous) in _history)
                {
                    if (version > from && eventKind == kind.Plural && EventType(filter, type, item, previous) is { } sent)
                    {
                        connection.Lines.Writer.TryWrite(Event(sent, item));
                    }
                }
            }

            _watches.Add(connection);
        }

        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.StartAsync(context.RequestAborted);
            await foreach (var line in connection.Lines.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(line, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client went away or the connection was dropped on purpose.
        }
        finally
        {
            lock (_lock)
            {
                _watches.Remove(connection);
            }
        }
    }

    private void Record(string kind, string type, JsonObject item, JsonObject? previous)
    {
        _history.Add((_version, kind, type, item, previous));
        foreach (var watch in _watches)
        {
            if (watch.Kind == kind && !watch.Stalled && EventType(watch.Filter, type, item, previous) is { } sent)
            {
                watch.Lines.Writer.TryWrite(Event(sent, item));
            }
        }
    }

    /// <summary>
    /// What a watch with <paramref name="filter"/> sees of a change, as the API server does it: an object modified into
    /// the selector is ADDED for that watch, one modified out of it is DELETED; null when the watch sees nothing.
    /// </summary>
    private static string? EventType(FakeWatchFilter filter, string type, JsonObject item, JsonObject? previous)
    {
        var now = filter.Matches(item);
        if (type != "MODIFIED")
        {
            return now ? type : null;
        }

        var before = previous is not null && filter.Matches(previous);
        return (before, now) switch
        {
            (true, true) => "MODIFIED",
            (false, true) => "ADDED",
            (true, false) => "DELETED",
            _ => null,
        };
    }

    private async Task SendBookmarksAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                await Task.Delay(BookmarkInterval, _stopping.Token);
                lock (_lock)
                {
                    foreach (var watch in _watches.Where(w => w.Bookmarks && !w.Stalled))
                    {
                        watch.Lines.Writer.TryWrite(Event("BOOKMARK", new JsonObject
                        {
                            ["kind"] = watch.ResourceKind.Kind,
                            ["apiVersion"] = watch.ResourceKind.ApiVersion,
                            ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
                        }));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private static string Event(string type, JsonObject item) =>
        new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString() + "\n";

    private static string KindOf(JsonObject item)
    {
        var kind = item["kind"]!.GetValue<string>();
        var apiVersion = item["apiVersion"]?.GetValue<string>() ?? "v1";
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        return Kinds.Single(k => k.Kind == kind && k.Group == group).Plural;
    }

    private static Dictionary<string, string> Selector(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var term in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = term.Split('=', 2);
            result[parts[0].Trim()] = parts.Length == 2 ? parts[1].Trim() : "";
        }

        return result;
    }

    private static async Task WriteStatusAsync(HttpContext context, int code, string reason, string message)
    {
        await WriteJsonAsync(context, code, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        });
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        DropConnections();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
