using ArchUnitNET.Fluent;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace Gateway.Tests.Architecture;

/// <summary>
/// The dependency rules of the gateway's namespaces, checked on the compiled assembly. The hot path is the code that
/// runs for each request: routing, translation and the request steps (Proxy and its sub-namespaces), path and header
/// guards, the model read from the body, canary choice, rate limiting, authentication, resilience and load balancing. Sources read configuration and
/// Kubernetes objects into the model. Hosting (the composition root and the options tree), Admin, Observability and Tls
/// sit between the two and are bound by neither rule; Tls serves what the applied model holds, so it never reaches
/// sources either. No two namespaces depend on each other: docs/architecture.md draws the direction.
/// </summary>
public sealed class DependencyRulesTests
{
    private const string ModelNamespaces = @"^Gateway\.Model(\..+)?$";
    private const string PrimitivesNamespace = @"^Gateway\.Primitives$";
    private const string SourcesNamespaces = @"^Gateway\.Sources(\..+)?$";
    private const string TlsNamespaces = @"^Gateway\.Tls(\..+)?$";
    private const string HotPathNamespaces = @"^Gateway\.(Proxy|Canary|Inference|RateLimiting|Auth|Resilience|LoadBalancing|Paths|Headers)(\..+)?$";

    private static readonly ArchUnitNET.Domain.Architecture Gateway = GatewayArchitecture.Instance;

    [Fact]
    public void The_model_depends_on_nothing_in_the_project_but_the_primitives()
    {
        var model = Types().That().ResideInNamespaceMatching(ModelNamespaces);
        AssertNotEmpty(model);

        model.Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^Gateway\.(?!Model(\.|$)|Primitives$)")
            .Because("the model is the immutable snapshot every stage shares; it must not pull in any stage")
            .Check(Gateway);
    }

    [Fact]
    public void The_primitives_depend_on_nothing_in_the_project()
    {
        var primitives = Types().That().ResideInNamespaceMatching(PrimitivesNamespace);
        AssertNotEmpty(primitives);

        primitives.Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^Gateway\.(?!Primitives$)")
            .Because("problem responses, client addresses, address ranges and regexes are shared by every concern")
            .Check(Gateway);
    }

    [Fact]
    public void Sources_never_reach_the_hot_path()
    {
        var sources = Types().That().ResideInNamespaceMatching(SourcesNamespaces);
        AssertNotEmpty(sources);

        sources.Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(HotPathNamespaces)
            .Because("a source only produces a model; what the hot path does with it is the proxy's business")
            .Check(Gateway);
    }

    [Fact]
    public void The_hot_path_never_reaches_sources()
    {
        var hotPath = Types().That().ResideInNamespaceMatching(HotPathNamespaces);
        AssertNotEmpty(hotPath);

        hotPath.Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(SourcesNamespaces)
            .Because("a request is served from the current model alone, whichever source it came from")
            .Check(Gateway);
    }

    [Fact]
    public void Tls_never_reaches_sources_nor_kubernetes_objects()
    {
        var tls = Types().That().ResideInNamespaceMatching(TlsNamespaces);
        AssertNotEmpty(tls);

        tls.Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(SourcesNamespaces)
            .AndShould().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^k8s(\..+)?$")
            .Because("certificates from Secrets reach the registry through the model, like every other source's output")
            .Check(Gateway);
    }

    // Each namespace builds on those below it; docs/architecture.md draws the direction.
    [Fact]
    public void No_two_namespaces_depend_on_each_other() =>
        Slices().Matching("Gateway.(**)").Should().BeFreeOfCycles().Check(Gateway);

    private static void AssertNotEmpty(ArchUnitNET.Fluent.Syntax.Elements.Types.GivenTypesConjunction types) =>
        Assert.NotEmpty(types.GetObjects(Gateway));
}
