using Gateway.Proxy.Upstream;

namespace Gateway.Tests.Proxy.Upstream;

public sealed class LeanRoutePlanTests
{
    [Fact]
    public void The_transforms_the_translator_writes_compile_in_order()
    {
        var plan = LeanRoutePlan.Compile(
            [
                T("RequestHeaderOriginalHost", "true"),
                T("X-Forwarded", "Set", "Prefix", "Off"),
                T("Gateway.ReplacePrefixMatch", "/svc", "With", "/v2"),
                T("RequestHeader", "X-Env", "Set", "prod"),
                T("Gateway.RequestHeaderAdd", "X-Tags", "Value", "gw"),
                T("RequestHeaderRemove", "X-Secret"),
                T("ResponseHeader", "X-Served", "Set", "1", "When", "Always"),
                T("ResponseHeader", "Vary", "Append", "Accept", "When", "Always"),
                T("ResponseHeaderRemove", "Server", "When", "Always"),
            ],
            out var declined);

        Assert.Null(declined);
        Assert.NotNull(plan);
        Assert.Null(plan.FixedHost);
        Assert.False(plan.ForwardedPrefixFromPathBase);
        Assert.Equal("/svc", plan.ForwardedPrefix);
        Assert.Equal("/v2/x", plan.RewritePath("/svc/x"));
        Assert.Equal(
            [new(HeaderOperationKind.Set, "X-Env", "prod"), new(HeaderOperationKind.Join, "X-Tags", "gw"), new(HeaderOperationKind.Remove, "X-Secret", "")],
            plan.RequestHeaders);
        Assert.Equal(
            [new(HeaderOperationKind.Set, "X-Served", "1"), new(HeaderOperationKind.Append, "Vary", "Accept"), new(HeaderOperationKind.Remove, "Server", "")],
            plan.ResponseHeaders);
    }

    [Fact]
    public void A_fixed_host_a_full_path_and_a_regex_rewrite_compile()
    {
        var host = LeanRoutePlan.Compile([T("RequestHeader", "Host", "Set", "models.internal"), T("PathSet", "/predict")], out _);
        var regex = LeanRoutePlan.Compile([T("RequestHeaderOriginalHost", "true"), T("Gateway.RegexRewrite", "/api/(v[0-9])/(.*)", "With", "/$2/$1")], out _);

        Assert.Equal("models.internal", host?.FixedHost);
        Assert.Equal("/predict", host?.RewritePath("/anything"));
        Assert.True(host?.ForwardedPrefixFromPathBase);
        Assert.Equal("/users/v1", regex?.RewritePath("/api/v1/users"));
        Assert.Equal("/other", regex?.RewritePath("/other"));
    }

    [Fact]
    public void A_route_without_transforms_forwards_the_path_as_matched()
    {
        var plan = LeanRoutePlan.Compile(null, out _);

        Assert.Equal("/a/b", plan?.RewritePath("/a/b"));
        Assert.Empty(plan!.RequestHeaders);
    }

    [Theory]
    [MemberData(nameof(Unknown))]
    public void Transforms_the_lean_path_cannot_apply_exactly_leave_the_route_to_YARP(IReadOnlyDictionary<string, string>[] transforms, string reason)
    {
        Assert.Null(LeanRoutePlan.Compile(transforms, out var declined));
        Assert.Contains(reason, declined, StringComparison.Ordinal);
    }

    public static TheoryData<IReadOnlyDictionary<string, string>[], string> Unknown() => new()
    {
        { [T("PathPrefix", "/x")], "transform 'PathPrefix'" },
        { [T("RequestHeader", "X-Forwarded-For", "Set", "1.2.3.4")], "'X-Forwarded-For'" },
        { [T("RequestHeaderRemove", "Content-Length")], "'Content-Length'" },
        { [T("Gateway.RequestHeaderAdd", "Connection", "Value", "close")], "'Connection'" },
        { [T("RequestHeader", "X-Name", "Set", "caf\u00e9")], "not ASCII" },
        { [T("PathSet", "/a"), T("PathSet", "/b")], "more than one path transform" },
        { [T("Gateway.ReplacePrefixMatch", "/svc", "With", "/")], "without 'X-Forwarded" },
        { [T("ResponseHeader", "X-A", "Set", "1", "When", "Success")], "transform 'ResponseHeader,Set,When'" },
        { [T("ResponseHeaderRemove", "Transfer-Encoding", "When", "Always")], "'Transfer-Encoding'" },
    };

    private static Dictionary<string, string> T(params string[] keysAndValues)
    {
        var transform = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < keysAndValues.Length; i += 2)
        {
            transform[keysAndValues[i]] = keysAndValues[i + 1];
        }

        return transform;
    }
}
