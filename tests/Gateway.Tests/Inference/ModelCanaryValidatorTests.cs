using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Validation;

namespace Gateway.Tests.Inference;

public sealed class ModelCanaryValidatorTests
{
    private static readonly ImmutableDictionary<string, BackendModel> Backends =
        ImmutableDictionary<string, BackendModel>.Empty.Add("b", new BackendModel { Name = "b", Source = "s", Endpoints = ["http://10.0.0.1:80"] });

    private static List<string> Validate(ModelCanaryPolicy? canary, PathMatch? path = null, bool fromBody = false) =>
        ModelValidator.Validate(new GatewayModel
        {
            Routes =
            [
                new RouteModel
                {
                    Name = "r",
                    Source = "s",
                    Matches = [new RouteMatch { Path = path ?? PathMatch.Root }],
                    Backends = [new BackendRef("b")],
                    ModelCanary = canary,
                    ModelFromBody = fromBody,
                },
            ],
            Backends = Backends,
        }).Select(p => p.ToString()).ToList();

    private static ModelCanaryPolicy Variants(params (string Model, int Weight)[] variants) =>
        new() { Variants = [.. variants.Select(v => new ModelVariant(v.Model, v.Weight))] };

    [Fact]
    public void A_well_formed_split_has_no_problems() =>
        Assert.Empty(Validate(Variants(("llama-3.1-8b", 90), ("llama-3.2-8b", 10), ("off", 0))));

    [Fact]
    public void Each_bad_variant_is_named_by_route_and_field()
    {
        var problems = Validate(Variants(("", 1), ("a", -2), ("a", 3), ("has space", 1), ("quote\"", 1)));

        Assert.Equal(
        [
            "s: route 'r', field 'ModelCanary.Variants[0].Model': is required: the model name the backend gets",
            "s: route 'r', field 'ModelCanary.Variants[1].Weight': -2 must be 0 or more",
            "s: route 'r', field 'ModelCanary.Variants[2].Model': 'a' is listed twice; give each model one variant",
            "s: route 'r', field 'ModelCanary.Variants[3].Model': 'has space' must be 1 to 256 visible ASCII characters other than '\"' and '\\' (it is written into the body as it is)",
            "s: route 'r', field 'ModelCanary.Variants[4].Model': 'quote\"' must be 1 to 256 visible ASCII characters other than '\"' and '\\' (it is written into the body as it is)",
        ], problems);
    }

    [Fact]
    public void Weights_must_add_up_to_more_than_zero_and_there_must_be_a_variant()
    {
        Assert.Equal(["s: route 'r', field 'ModelCanary.Variants': weights add up to 0; give at least one variant a weight above 0"], Validate(Variants(("a", 0), ("b", 0))));
        Assert.Equal(["s: route 'r', field 'ModelCanary.Variants': needs at least one variant, e.g. { \"Model\": \"llama-3.1-8b\", \"Weight\": 90 }"], Validate(Variants()));
    }

    [Fact]
    public void One_sticky_key_at_most()
    {
        var problems = Validate(Variants(("a", 1)) with { StickyHeader = "x-user", StickyCookie = "user" });

        Assert.Equal(["s: route 'r', field 'ModelCanary.StickyCookie': cannot be combined with ModelCanary.StickyHeader; name one sticky key"], problems);
    }

    [Fact]
    public void A_regular_expression_path_cannot_read_the_body_before_routing()
    {
        var regex = new PathMatch(PathMatchType.RegularExpression, "/v1/.*");

        Assert.Equal(["s: route 'r', field 'Matches[0].Path': must be Exact or PathPrefix on a route with ModelFromBody: the body's model is read before routing, for known paths only"], Validate(null, regex, fromBody: true));
        Assert.Single(Validate(Variants(("a", 1)), regex));
        Assert.Empty(Validate(null, regex));
    }
}
