using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Model.Validation;
using Gateway.Sources.Kubernetes;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class ServiceProcessorTests
{
    // Compacted as the watches cache them, so these tests also show that compaction keeps every field the processor reads;
    // admitted as the store admits it, which leaves out the Services whose route or backend does not validate.
    private static GatewayModel Build(out List<string> warnings, V1Service[] services, params V1EndpointSlice[] slices)
    {
        var snapshot = new ModelParts(new ValidationCache()).Admit(Build(new ServiceProcessor(), services.Select(CachedObjectCompaction.Compact), slices.Select(CachedObjectCompaction.Compact)));
        Assert.Empty(snapshot.Problems);
        warnings = [.. snapshot.Warnings.Select(w => w.ToString())];
        return snapshot.Model;
    }

    [Fact]
    public void Endpoints_are_ready_pods_only_with_the_port_resolved_per_slice()
    {
        var model = Build(
            out var warnings,
            [K8s.Service("llama")],
            K8s.Slice("llama", "http", 8080, K8s.Pod("10.0.0.1"), K8s.Pod("10.0.0.2", ready: false), K8s.Pod("10.0.0.3", ready: false, terminating: true), K8s.Pod("10.0.0.4", ready: null, terminating: null)),
            K8s.Slice("llama", "http", 9090, K8s.Pod("10.0.1.1")),
            K8s.Slice("llama", "metrics", 9100, K8s.Pod("10.0.2.1")),
            K8s.Slice("other", "http", 80, K8s.Pod("10.0.3.1")));

        Assert.Empty(warnings);
        Assert.Equal(["http://10.0.0.1:8080", "http://10.0.0.4:8080", "http://10.0.1.1:9090"], model.Backends["service/ml/llama"].Endpoints.ToArray());
        var route = Assert.Single(model.Routes);
        Assert.Equal("service/ml/llama", route.Name);
        Assert.Equal(new PathMatch(PathMatchType.PathPrefix, "/llama"), route.Matches.Single().Path);
        Assert.Equal(new PathRewrite(PathRewriteType.ReplacePrefixMatch, "/"), route.Filters.UrlRewrite!.Path);
        Assert.Equal([new BackendRef("service/ml/llama", 100)], route.Backends.ToArray());
    }

    [Fact]
    public void The_auth_policy_annotation_goes_on_the_route_and_unknown_names_are_left_to_the_merged_model()
    {
        var model = Build(out var warnings, [K8s.Service("llama", new() { ["mlgateway.io/auth-policy"] = "keys,tokens" }), K8s.Service("open")]);

        Assert.Empty(warnings);
        Assert.Equal(["keys", "tokens"], model.Routes.Single(r => r.Name == "service/ml/llama").AuthPolicies.ToArray());
        Assert.Empty(model.Routes.Single(r => r.Name == "service/ml/open").AuthPolicies);
        Assert.Equal(
            [
                "kubernetes services: route 'service/ml/llama', field 'AuthPolicy[0]': policy 'keys' is not defined in 'AuthPolicies'; defined policies: (none)",
                "kubernetes services: route 'service/ml/llama', field 'AuthPolicy[1]': policy 'tokens' is not defined in 'AuthPolicies'; defined policies: (none)",
            ],
            ModelValidator.Validate(model).Select(p => p.ToString()));
    }

    [Fact]
    public void IPv6_endpoints_are_bracketed_and_FQDN_slices_are_ignored()
    {
        var v6 = K8s.Slice("llama", "http", 8080, K8s.Pod("fd00::7"));
        v6.AddressType = "IPv6";
        var fqdn = K8s.Slice("llama", "http", 8080, K8s.Pod("pod.example.com"));
        fqdn.AddressType = "FQDN";

        var model = Build(out _, [K8s.Service("llama")], v6, fqdn);

        Assert.Equal(["http://[fd00::7]:8080"], model.Backends["service/ml/llama"].Endpoints.ToArray());
    }

    [Fact]
    public void A_service_without_slices_is_a_backend_with_no_endpoints()
    {
        var model = Build(out _, [K8s.Service("llama")]);
        Assert.Empty(model.Backends["service/ml/llama"].Endpoints.ToArray());
        Assert.Null(model.Backends["service/ml/llama"].UnresolvedReason);
    }

    [Fact]
    public void Port_annotation_picks_a_port_by_name_or_number_and_a_multi_port_service_needs_it()
    {
        V1ServicePort[] ports = [new() { Name = "http", Port = 80 }, new() { Name = "grpc", Port = 9000 }];
        var model = Build(
            out var warnings,
            [
                K8s.Service("by-name", new() { ["mlgateway.io/port"] = "grpc" }, ports),
                K8s.Service("by-number", new() { ["mlgateway.io/port"] = "80" }, ports),
                K8s.Service("ambiguous", null, ports),
            ],
            K8s.Slice("by-name", "http", 8080, K8s.Pod("10.0.0.1")),
            K8s.Slice("by-name", "grpc", 9001, K8s.Pod("10.0.0.1")),
            K8s.Slice("by-number", "http", 8080, K8s.Pod("10.0.0.2")));

        Assert.Equal(["http://10.0.0.1:9001"], model.Backends["service/ml/by-name"].Endpoints.ToArray());
        Assert.Equal(["http://10.0.0.2:8080"], model.Backends["service/ml/by-number"].Endpoints.ToArray());
        Assert.False(model.Backends.ContainsKey("service/ml/ambiguous"));
        Assert.Equal(
            ["kubernetes services: Service 'ml/ambiguous', field 'metadata.annotations[mlgateway.io/port]': the Service has 2 ports (http (80), grpc (9000)); name the one to proxy to with this annotation; the Service is left out until this is fixed"],
            warnings);
    }

    [Fact]
    public void Canaries_add_weighted_backends_to_the_stable_route()
    {
        var model = Build(
            out var warnings,
            [
                K8s.Service("llama", new() { ["mlgateway.io/path-prefix"] = "/chat" }),
                K8s.Service("llama-v2", new() { ["mlgateway.io/canary-of"] = "llama", ["mlgateway.io/canary-weight"] = "20" }),
                K8s.Service("llama-v3", new() { ["mlgateway.io/canary-of"] = "llama", ["mlgateway.io/canary-weight"] = "5" }),
            ]);

        Assert.Empty(warnings);
        var route = Assert.Single(model.Routes);
        Assert.Equal("/chat", route.Matches.Single().Path.Value);
        Assert.Equal([new("service/ml/llama", 75), new("service/ml/llama-v2", 20), new BackendRef("service/ml/llama-v3", 5)], route.Backends.ToArray());
        Assert.Equal(3, model.Backends.Count);
    }

    [Fact]
    public void Canaries_over_100_percent_are_left_out_from_the_one_that_overflows()
    {
        var model = Build(
            out var warnings,
            [
                K8s.Service("llama"),
                K8s.Service("llama-a", new() { ["mlgateway.io/canary-of"] = "llama", ["mlgateway.io/canary-weight"] = "60" }),
                K8s.Service("llama-b", new() { ["mlgateway.io/canary-of"] = "llama", ["mlgateway.io/canary-weight"] = "50" }),
            ]);

        Assert.Equal([new("service/ml/llama", 40), new BackendRef("service/ml/llama-a", 60)], model.Routes.Single().Backends.ToArray());
        Assert.Contains("Service 'ml/llama-b', field 'metadata.annotations[mlgateway.io/canary-of]': the canaries of 'ml/llama' would get 110% of requests together", Assert.Single(warnings));
    }

    [Fact]
    public void Canary_of_a_missing_service_routes_to_an_unresolved_backend()
    {
        var model = Build(out var warnings, [K8s.Service("llama-v2", new() { ["mlgateway.io/canary-of"] = "llama", ["mlgateway.io/canary-weight"] = "10" })]);

        var route = Assert.Single(model.Routes);
        Assert.Equal(("service/ml/llama", "/llama"), (route.Name, route.Matches.Single().Path.Value));
        Assert.Equal([new("service/ml/llama", 90), new BackendRef("service/ml/llama-v2", 10)], route.Backends.ToArray());
        Assert.StartsWith("Service 'ml/llama' named by mlgateway.io/canary-of on Service 'ml/llama-v2' does not exist", model.Backends["service/ml/llama"].UnresolvedReason);
        Assert.Single(warnings);
    }

    [Fact]
    public void A_bad_service_is_left_out_alone_and_its_canaries_with_it()
    {
        var model = Build(
            out var warnings,
            [
                K8s.Service("good"),
                K8s.Service("bad-host", new() { ["mlgateway.io/host"] = "https://models.example.com" }),
                K8s.Service("bad-weight", new() { ["mlgateway.io/canary-of"] = "good", ["mlgateway.io/canary-weight"] = "lots" }),
                K8s.Service("broken", new() { ["mlgateway.io/strip-prefix"] = "maybe" }),
                K8s.Service("broken-canary", new() { ["mlgateway.io/canary-of"] = "broken", ["mlgateway.io/canary-weight"] = "10" }),
            ]);

        Assert.Equal(["service/ml/good"], model.Routes.Select(r => r.Name));
        Assert.Equal([new BackendRef("service/ml/good", 100)], model.Routes.Single().Backends.ToArray());
        Assert.Equal(4, warnings.Count);
        Assert.Contains(warnings, w => w.StartsWith("kubernetes services: Service 'ml/bad-host', field 'metadata.annotations[mlgateway.io/host]': 'https://models.example.com' is not a hostname", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("Service 'ml/bad-weight', field 'metadata.annotations[mlgateway.io/canary-weight]'", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("Service 'ml/broken', field 'metadata.annotations[mlgateway.io/strip-prefix]'", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("Service 'ml/broken-canary', field 'metadata.annotations[mlgateway.io/canary-of]': its stable Service 'ml/broken' is left out", StringComparison.Ordinal));
    }

    [Fact]
    public void Output_does_not_depend_on_the_order_objects_arrive_in()
    {
        V1Service[] services = [K8s.Service("b"), K8s.Service("a"), K8s.Service("c", new() { ["mlgateway.io/canary-of"] = "a", ["mlgateway.io/canary-weight"] = "10" })];
        V1EndpointSlice[] slices = [K8s.Slice("a", "http", 80, K8s.Pod("10.0.0.2"), K8s.Pod("10.0.0.1")), K8s.Slice("b", "http", 80, K8s.Pod("10.0.0.3"))];
        var forward = Build(new ServiceProcessor(), services, slices);
        var backward = Build(new ServiceProcessor(), services.Reverse(), slices.Reverse());
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(forward, ModelJson.Options),
            System.Text.Json.JsonSerializer.Serialize(backward, ModelJson.Options));
    }

    [Fact]
    public void Rebuilding_with_the_same_objects_returns_the_same_snapshot()
    {
        var processor = new ServiceProcessor();
        V1Service[] services = [K8s.Service("a"), K8s.Service("b")];
        V1EndpointSlice[] slices = [K8s.Slice("a", "http", 80, K8s.Pod("10.0.0.1"))];
        var first = Build(processor, services, slices);
        Assert.Same(first, Build(processor, services, slices));
    }

    [Fact]
    public void A_changed_slice_rebuilds_only_its_service()
    {
        var processor = new ServiceProcessor();
        V1Service[] services = [K8s.Service("a"), K8s.Service("b"), K8s.Service("b-canary", new() { ["mlgateway.io/canary-of"] = "b", ["mlgateway.io/canary-weight"] = "10" })];
        var sliceA = K8s.Slice("a", "http", 80, K8s.Pod("10.0.0.1"));
        var first = Build(processor, services, [sliceA, K8s.Slice("b", "http", 80, K8s.Pod("10.0.1.1"))]).Model;

        var second = Build(processor, services, [sliceA, K8s.Slice("b", "http", 80, K8s.Pod("10.0.1.2"))]).Model;

        Assert.Same(first.Routes[0], second.Routes[0]);
        Assert.Same(first.Backends["service/ml/a"], second.Backends["service/ml/a"]);
        Assert.Same(first.Backends["service/ml/b-canary"], second.Backends["service/ml/b-canary"]);
        Assert.Equal(["http://10.0.1.2:80"], second.Backends["service/ml/b"].Endpoints.ToArray());
    }

    [Fact]
    public void Removed_and_regrouped_services_leave_no_stale_routes_or_backends()
    {
        var processor = new ServiceProcessor();
        Build(processor, [K8s.Service("a"), K8s.Service("b"), K8s.Service("c")], []);

        // b is deleted; c turns from a stable Service into a canary of a.
        var model = Build(processor, [K8s.Service("a"), K8s.Service("c", new() { ["mlgateway.io/canary-of"] = "a", ["mlgateway.io/canary-weight"] = "50" })], []).Model;

        Assert.Equal(["service/ml/a"], model.Routes.Select(r => r.Name));
        Assert.Equal(["service/ml/a", "service/ml/c"], model.Backends.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([new("service/ml/a", 50), new BackendRef("service/ml/c", 50)], model.Routes[0].Backends.ToArray());
    }

    [Fact]
    public void A_changed_service_reads_that_service_alone_and_keeps_every_other_route()
    {
        var processor = new ServiceProcessor();
        var services = Enumerable.Range(0, 200).Select(i => CachedObjectCompaction.Compact(K8s.Service($"model-{i}"))).ToDictionary(s => $"ml/{s.Metadata.Name}");
        var endpoints = new CountingEndpoints(new EndpointSliceIndex([]));
        var first = processor.Build(services.Values, endpoints).Model;
        Assert.Equal(200, endpoints.Asked);

        endpoints.Asked = 0;
        services["ml/model-7"] = CachedObjectCompaction.Compact(K8s.Service("model-7", new() { ["mlgateway.io/path-prefix"] = "/seven" }));
        var second = processor.Update(["ml/model-7"], key => services.GetValueOrDefault(key), endpoints).Model;

        Assert.Equal(1, endpoints.Asked);
        Assert.Equal("/seven", second.Routes.Single(r => r.Name == "service/ml/model-7").Matches.Single().Path.Value);
        Assert.Equal(199, first.Routes.Count(r => second.Routes.Contains(r, ReferenceEqualityComparer.Instance)));
        Assert.Equal(200, first.Backends.Count(b => ReferenceEquals(b.Value, second.Backends[b.Key])));
    }

    [Fact]
    public void Updates_give_the_model_and_warnings_of_a_full_build_through_a_sequence_of_changes()
    {
        var random = new Random(7);
        var incremental = new ServiceProcessor();
        var endpoints = new EndpointSliceIndex([]);
        var services = new Dictionary<string, V1Service>(StringComparer.Ordinal);
        incremental.Build([], endpoints);
        for (var step = 0; step < 300; step++)
        {
            var name = $"s{random.Next(12)}";
            var key = $"ml/{name}";
            var annotations = new Dictionary<string, string>();
            switch (random.Next(6))
            {
                case 0:
                    services.Remove(key);
                    break;
                case 1 or 2:
                    annotations["mlgateway.io/canary-of"] = $"s{random.Next(12)}";
                    annotations["mlgateway.io/canary-weight"] = random.Next(2) == 0 ? "lots" : $"{random.Next(0, 70)}";
                    if (random.Next(3) == 0)
                    {
                        annotations["mlgateway.io/canary-header"] = "x-canary";
                    }

                    services[key] = CachedObjectCompaction.Compact(K8s.Service(name, annotations));
                    break;
                case 3:
                    annotations["mlgateway.io/strip-prefix"] = random.Next(2) == 0 ? "maybe" : "false";
                    annotations["mlgateway.io/rate-limit"] = "10/s";
                    services[key] = CachedObjectCompaction.Compact(K8s.Service(name, annotations));
                    break;
                default:
                    services[key] = CachedObjectCompaction.Compact(K8s.Service(name));
                    break;
            }

            var updated = incremental.Update([key], k => services.GetValueOrDefault(k), endpoints);
            var fresh = new ServiceProcessor().Build(services.Values, endpoints);
            Assert.Equal(Json(fresh), Json(updated));
        }
    }

    private static string Json(SourceSnapshot snapshot) => string.Join(
        '\n',
        System.Text.Json.JsonSerializer.Serialize(snapshot.Model.Routes, ModelJson.Options),
        System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, BackendModel>(snapshot.Model.Backends, StringComparer.Ordinal), ModelJson.Options),
        System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, RateLimitPolicy>(snapshot.Model.RateLimitPolicies, StringComparer.Ordinal), ModelJson.Options),
        string.Join('\n', snapshot.Warnings),
        snapshot.Parts.Length);

    /// <summary>Counts the Services whose endpoints the processor asks for: one per Service it reads.</summary>
    private sealed class CountingEndpoints(IServiceEndpoints inner) : IServiceEndpoints
    {
        public int Asked { get; set; }

        public EndpointSet EndpointsOf(string ns, string service, string? portName)
        {
            Asked++;
            return inner.EndpointsOf(ns, service, portName);
        }
    }

    private static SourceSnapshot Build(ServiceProcessor processor, IEnumerable<V1Service> services, IEnumerable<V1EndpointSlice> slices) =>
        processor.Build(services, new EndpointSliceIndex(slices));
}
