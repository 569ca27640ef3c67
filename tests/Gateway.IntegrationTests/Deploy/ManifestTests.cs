using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes;
using Gateway.IntegrationTests.Kubernetes.GatewayApi;
using Gateway.IntegrationTests.Kubernetes.Istio;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;
using k8s;
using k8s.Models;

namespace Gateway.IntegrationTests.Deploy;

/// <summary>The manifests under deploy/ render, parse strictly, and grant exactly what the gateway uses.</summary>
public sealed class ManifestTests
{
    // The Istio Gateway the deployment's gateway stands for (Gateway__Kubernetes__Istio__GatewayNames__0 in deployment.yaml).
    private const string IstioGateway = "mlgateway-system/mlgateway";

    private static readonly Dictionary<string, Type> GatewayApiTypes = new()
    {
        ["networking.istio.io/v1/VirtualService"] = typeof(CustomResource),
        ["networking.istio.io/v1/DestinationRule"] = typeof(CustomResource),
        ["gateway.networking.k8s.io/v1/GatewayClass"] = typeof(CustomResource),
        ["gateway.networking.k8s.io/v1/Gateway"] = typeof(CustomResource),
        ["gateway.networking.k8s.io/v1/HTTPRoute"] = typeof(CustomResource),
        ["inference.networking.k8s.io/v1/InferencePool"] = typeof(CustomResource),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(CustomResource),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(CustomResource),
    };

    // Objects whose handling needs every Gateway API permission: watched kinds and status writes.
    private const string GatewayApiObjects = OurGateway.Yaml + """

        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: rbac }
        spec:
          parentRefs: [ { name: gw } ]
          rules:
            - backendRefs: [ { name: model, port: 80 } ]
            - { matches: [ { path: { value: /pool } } ], backendRefs: [ { group: inference.networking.k8s.io, kind: InferencePool, name: pool } ] }
        ---
        apiVersion: inference.networking.k8s.io/v1
        kind: InferencePool
        metadata: { name: pool }
        spec: { selector: { matchLabels: { app: pool } }, targetPorts: [ { number: 8000 } ], endpointPickerRef: { name: pool-epp } }
        """;

    private static readonly string[] GatewayApiKinds = ["gatewayclasses", "gateways", "httproutes", "referencegrants", "namespaces", "inferencepools"];

    public static TheoryData<string> Kustomizations() => [.. Kustomize.All()];

    private static async Task<List<object>> LoadAsync(string kustomization) =>
        KubernetesYaml.LoadAllFromString(await Kustomize.RenderAsync(kustomization), GatewayApiTypes, strict: true);

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Every_kustomization_renders_and_every_object_parses_strictly(string kustomization)
    {
        var objects = await LoadAsync(kustomization);

        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(((dynamic)o).Metadata.Name), $"an object in {kustomization} has no name"));
    }

    public static TheoryData<string> Components() => [.. Kustomize.Components()];

    /// <summary>Every kustomization, and deploy/base with each component, as an operator renders them.</summary>
    public static TheoryData<string> Renderings() => [.. Kustomize.All(), .. Kustomize.Components()];

    private static async Task<List<object>> LoadRenderingAsync(string rendering) =>
        KubernetesYaml.LoadAllFromString(
            Kustomize.Components().Contains(rendering) ? await Kustomize.RenderOnBaseAsync(rendering) : await Kustomize.RenderAsync(rendering),
            GatewayApiTypes,
            strict: true);

    [Theory]
    [MemberData(nameof(Components))]
    public async Task Every_component_renders_on_the_base_and_adds_objects(string component)
    {
        var withComponent = await LoadRenderingAsync(component);
        var baseOnly = await LoadAsync("base");

        Assert.True(withComponent.Count > baseOnly.Count, $"{component} adds nothing to deploy/base");
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public async Task Every_rendering_keeps_what_a_first_install_needs(string rendering)
    {
        var objects = await LoadRenderingAsync(rendering);
        var scaled = objects.OfType<V2HorizontalPodAutoscaler>().Select(h => h.Spec.ScaleTargetRef.Name).ToHashSet();

        foreach (var deployment in objects.OfType<V1Deployment>())
        {
            // The HPA owns the scale: a replicas field would reset it to that number on every apply.
            Assert.False(scaled.Contains(deployment.Metadata.Name) && deployment.Spec.Replicas is not null, $"{rendering}: Deployment {deployment.Metadata.Name} sets replicas while an HPA scales it");
            foreach (var container in deployment.Spec.Template.Spec.Containers)
            {
                var tag = container.Image.Contains(':', StringComparison.Ordinal) ? container.Image[(container.Image.LastIndexOf(':') + 1)..] : "";
                Assert.False(tag is "" or "latest", $"{rendering}: container {container.Name} runs '{container.Image}', not a versioned image");

                // One slow answer under a CPU or GC spike must not take the pod out of rotation (Kubernetes' default is 3).
                Assert.True((container.ReadinessProbe?.FailureThreshold ?? 3) >= 3, $"{rendering}: container {container.Name}'s readiness probe fails on fewer than 3 misses");
                Assert.Null(container.Lifecycle?.PreStop?.Sleep);
                foreach (var variable in container.Env?.Where(e => e.Name.StartsWith("DOTNET_GCHeapHardLimitPercent", StringComparison.Ordinal)) ?? [])
                {
                    // The runtime reads DOTNET_GC* variables as hexadecimal, with or without 0x: "75" would be 117 %.
                    var percent = Convert.ToInt32(variable.Value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? variable.Value[2..] : variable.Value, 16);
                    Assert.InRange(percent, 1, 100);
                }
            }
        }
    }

    [Fact]
    public async Task The_gateway_image_and_the_changelog_name_the_release_version()
    {
        var version = XDocument.Load(Path.Combine(Kustomize.DeployDirectory(), "..", "Directory.Build.props")).Descendants("Version").Single().Value;
        var objects = await LoadAsync("base");
        var gateway = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "mlgateway").Spec.Template.Spec.Containers.Single();

        Assert.Equal($"mlgateway:{version}", gateway.Image);
        Assert.Contains($"## [{version}] - ", await File.ReadAllTextAsync(Path.Combine(Kustomize.DeployDirectory(), "..", "CHANGELOG.md")));
    }

    [Fact]
    public async Task The_base_applies_without_optional_crds()
    {
        var objects = await LoadAsync("base");

        Assert.DoesNotContain(objects, o => o is CustomResource);
    }

    [Fact]
    public async Task The_deployment_is_hardened_and_drains()
    {
        var objects = await LoadAsync("base");
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        var pod = deployment.Spec.Template.Spec;
        var gateway = Assert.Single(pod.Containers);

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(gateway.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(gateway.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], gateway.SecurityContext.Capabilities.Drop);
        Assert.Equal("/healthz", gateway.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", gateway.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/readyz", gateway.StartupProbe.HttpGet.Path);
        Assert.Contains(gateway.Env, e => e.Name == "Gateway__Shutdown__Delay" && TimeSpan.Parse(e.Value, CultureInfo.InvariantCulture) > TimeSpan.Zero);
        Assert.NotNull(gateway.Resources.Requests);
        Assert.NotNull(gateway.Resources.Limits);
        Assert.NotEmpty(pod.TopologySpreadConstraints);

        // Shutdown:Delay and Shutdown:DrainTimeout (30 s) must fit in the grace period, or Kubernetes kills mid-drain.
        var delay = TimeSpan.Parse(gateway.Env.Single(e => e.Name == "Gateway__Shutdown__Delay").Value, CultureInfo.InvariantCulture);
        Assert.True(pod.TerminationGracePeriodSeconds > (delay + TimeSpan.FromSeconds(30)).TotalSeconds);
        Assert.Contains(gateway.Env, e => e.Name == "Gateway__ConfigFile" && gateway.VolumeMounts.Any(m => e.Value.StartsWith(m.MountPath + "/", StringComparison.Ordinal)));
        Assert.Contains(objects.OfType<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Name == deployment.Metadata.Name);
        Assert.Contains(objects.OfType<V1PodDisruptionBudget>(), p => p.Spec.Selector.MatchLabels.All(l => deployment.Spec.Template.Metadata.Labels[l.Key] == l.Value));
        Assert.Equal("LoadBalancer", objects.OfType<V1Service>().Single(s => s.Metadata.Name == "mlgateway").Spec.Type);
        Assert.Equal("mlgateway.io/gateway-controller", Assert.Single(objects.OfType<V1IngressClass>()).Spec.Controller);
    }

    [Fact]
    public async Task Ingress_status_names_the_gateways_load_balancer_service()
    {
        var objects = await LoadAsync("base");
        var gateway = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "mlgateway").Spec.Template.Spec.Containers.Single();
        var service = objects.OfType<V1Service>().Single(s => s.Spec.Type == "LoadBalancer");

        Assert.Contains(gateway.Env, e => e.Name == "Gateway__Kubernetes__StatusService" && e.Value == $"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}");
    }

    [Fact]
    public async Task The_redis_overlay_points_the_gateway_at_its_redis_service()
    {
        var objects = await LoadAsync(Path.Combine("overlays", "redis"));
        var gateway = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "mlgateway").Spec.Template.Spec.Containers.Single();
        var redis = objects.OfType<V1Service>().Single(s => s.Metadata.Name == "mlgateway-redis");

        Assert.Contains(gateway.Env, e => e.Name == "Gateway__RateLimiting__Redis" && e.Value == $"{redis.Metadata.Name}:{redis.Spec.Ports.Single().Port}");
    }

    [Fact]
    public async Task The_rbac_rules_grant_exactly_what_the_gateway_asks_the_api_server_for()
    {
        // What the code does, observed: the gateway configured as the Deployment configures it, against a fake API server.
        await using var api = await FakeKubernetesApiServer.StartAsync();
        var directory = Directory.CreateTempSubdirectory("gateway-rbac-").FullName;
        var kubeconfig = await api.WriteKubeconfigAsync(directory);
        // An Ingress of ours with an unsupported annotation makes the gateway write its status and post an Event.
        api.Apply(IngressObjects.Ingress("web", new() { ["nginx.ingress.kubernetes.io/enable-access-log"] = "false" }, paths: ("/web", "web", 80)));
        foreach (var item in YamlObjects.Load(GatewayApiObjects, "default"))
        {
            api.Apply(item);
        }

        // Objects that make every source do all it can: an adopted VirtualService whose subset needs a pod watch and
        // whose unsupported field is reported in an Event.
        api.Apply(IstioObjects.MlService());
        api.Apply(IstioObjects.DestinationRule());
        var virtualService = IstioObjects.VirtualService("ml-service", """
            [ { "match": [{ "uri": { "prefix": "/old" } }], "delegate": { "name": "x" } },
              { "route": [{ "destination": { "host": "ml-service", "subset": "v1" } }] } ]
            """);
        virtualService["spec"]!["gateways"] = new JsonArray(IstioGateway);
        api.Apply(virtualService);

        // A rolled-out canary Service, so the leader creates the shared rollout state and, once promoted, updates it.
        api.Apply(KubeObjects.Service("model"));
        api.Apply(KubeObjects.Service("model-v2", new() { ["mlgateway.io/canary-of"] = "model", ["mlgateway.io/rollout-steps"] = "50,100" }));
        await using (var gateway = await TestGateway.StartAsync(new { }, "--Gateway:Kubernetes:Enabled=true", $"--Gateway:Kubernetes:Kubeconfig={kubeconfig}", "--Gateway:Kubernetes:StatusAddresses:0=192.0.2.10", $"--Gateway:Kubernetes:Istio:GatewayNames:0={IstioGateway}"))
        {
            await Eventually.TrueAsync(async () => (await gateway.Admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "the gateway to sync");
            await Eventually.TrueAsync(() => Task.FromResult(api.Requests.Any(r => r.Contains("watch=", StringComparison.Ordinal))), "the gateway to watch");
            await Eventually.TrueAsync(
                () => Task.FromResult(api.Get("httproutes", "default", "rbac")?["status"] is not null
                    && GatewayApiKinds.All(plural => api.Requests.Any(r => r.Contains($"/{plural}?", StringComparison.Ordinal) && r.Contains("watch=", StringComparison.Ordinal)))),
                "the gateway to watch the Gateway API kinds and write an HTTPRoute status");
            await Eventually.TrueAsync(() => Task.FromResult(api.Get("inferencepools", "default", "pool")?["status"] is not null), "the gateway to write an InferencePool status");
            await Eventually.TrueAsync(() => Task.FromResult(api.Requests.Any(r => r.Contains("/pods?", StringComparison.Ordinal) && r.Contains("watch=", StringComparison.Ordinal))), "the gateway to watch the pods of a subset");
            await Eventually.TrueAsync(() => Task.FromResult(api.Created("events").Count > 0), "the gateway to post an Event");
            await Eventually.TrueAsync(() => Task.FromResult(api.Requests.Any(r => r.StartsWith("PUT /apis/coordination.k8s.io/", StringComparison.Ordinal))), "the leader to renew its Lease");
            await Eventually.TrueAsync(() => Task.FromResult(api.Created("events").Count > 0 && api.Requests.Any(r => r.StartsWith("PATCH /apis/networking.k8s.io/", StringComparison.Ordinal))), "the gateway to write the Ingress status and an Event");
            await Eventually.TrueAsync(() => Task.FromResult(api.Requests.Any(r => r.StartsWith("POST /api/v1/namespaces/default/configmaps", StringComparison.Ordinal))), "the leader to create the shared rollout state");
            api.Apply(KubeObjects.Service("model-v2", new() { ["mlgateway.io/canary-of"] = "model", ["mlgateway.io/rollout-steps"] = "50,100", ["mlgateway.io/rollout-control"] = "promote" }));
            await Eventually.TrueAsync(() => Task.FromResult(api.Requests.Any(r => r.StartsWith("PUT /api/v1/namespaces/default/configmaps/mlgateway-rollouts", StringComparison.Ordinal))), "the leader to update the shared rollout state");
        }

        var used = api.Requests.Select(Permission).OfType<(string Group, string Resource, string Verb)>().ToHashSet();

        var objects = await LoadAsync("base");
        var rules = objects.OfType<V1ClusterRole>().SelectMany(r => r.Rules)
            .Concat(objects.OfType<V1Role>().SelectMany(r => r.Rules));
        var grants = rules.SelectMany(rule =>
            from apiGroup in rule.ApiGroups
            from resource in rule.Resources
            from verb in rule.Verbs
            select (apiGroup, resource, verb)).ToList();
        var granted = grants.ToHashSet();

        Assert.Equal(used.Order().ToArray(), granted.Order().ToArray());
        Assert.True(grants.Count == granted.Count, "a permission is granted by more than one rule or role: "
            + string.Join(", ", grants.GroupBy(g => g).Where(g => g.Count() > 1).Select(g => g.Key)));
    }

    /// <summary>
    /// The RBAC permission a request needs: <c>GET /apis/discovery.k8s.io/v1/endpointslices?watch=1</c> is (discovery.k8s.io,
    /// endpointslices, watch), <c>PATCH .../ingresses/web/status</c> is (networking.k8s.io, ingresses/status, patch); null for
    /// API discovery (<c>/apis</c>), which every authenticated client may read.
    /// </summary>
    private static (string Group, string Resource, string Verb)? Permission(string request)
    {
        var (method, target) = (request[..request.IndexOf(' ', StringComparison.Ordinal)], request[(request.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var path = target.Split('?')[0].Trim('/').Split('/');
        if ((path[0] == "api" && path.Length <= 2) || (path[0] == "apis" && path.Length <= 3))
        {
            return null;
        }

        var (group, rest) = path[0] == "api" ? ("", path[2..]) : (path[1], path[3..]);
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            rest = rest[2..];
        }

        var isWatch = target.Contains("watch=1", StringComparison.Ordinal) || target.Contains("watch=true", StringComparison.Ordinal);
        var verb = method switch
        {
            "GET" when isWatch => "watch",
            "GET" when rest.Length == 1 => "list",
            "GET" => "get",
            "PUT" => "update",
            "POST" => "create",
            _ => method.ToLowerInvariant(),
        };
        return (group, rest.Length == 3 ? $"{rest[0]}/{rest[2]}" : rest[0], verb);
    }
}
