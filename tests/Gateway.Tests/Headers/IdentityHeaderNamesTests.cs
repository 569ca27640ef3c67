using System.Collections.Immutable;
using Gateway.Headers;
using Gateway.Model;

namespace Gateway.Tests.Headers;

public sealed class IdentityHeaderNamesTests
{
    private static GatewayModel WithPolicies(params AuthPolicy[] policies) =>
        GatewayModel.Empty with { AuthPolicies = policies.ToImmutableDictionary(p => p.Name, StringComparer.Ordinal) };

    private static AuthPolicy Policy(string name, IdentityHeaders headers) =>
        new() { Name = name, Type = AuthPolicyType.ApiKey, ApiKey = new ApiKeyAuth(), Headers = headers };

    [Theory]
    [InlineData("X-Auth-Subject")]
    [InlineData("x-auth-subject")]
    [InlineData("X-AUTH-KEY-ID")]
    [InlineData("X_Auth_Tenant")]
    [InlineData("x_auth-PLAN")]
    public void Default_names_are_known_in_any_case_and_with_underscores_before_any_model(string name) =>
        Assert.True(new IdentityHeaderNames().Contains(name));

    [Theory]
    [InlineData("X-Auth")]
    [InlineData("X-Auth-Subjects")]
    [InlineData("X-Api-Key")]
    [InlineData("X_Request_Id")]
    [InlineData("")]
    public void Other_names_are_not(string name) => Assert.False(new IdentityHeaderNames().Contains(name));

    [Fact]
    public async Task The_names_of_every_policy_join_the_defaults_and_leave_with_the_model()
    {
        var names = new IdentityHeaderNames();
        var renamed = Policy("a", new IdentityHeaders { Subject = "X-User", KeyId = "", Tenant = "X_Org" });
        var other = Policy("b", IdentityHeaders.Default with { Plan = "X-Tier" });

        await names.ApplyAsync(WithPolicies(renamed, other), CancellationToken.None);

        Assert.True(names.Contains("x-user"));
        Assert.True(names.Contains("X_USER"));
        Assert.True(names.Contains("X-Org"));
        Assert.True(names.Contains("x_org"));
        Assert.True(names.Contains("X-Tier"));
        Assert.True(names.Contains("X-Auth-Subject"));
        Assert.True(names.Contains("X-Auth-Key-Id"));

        await names.ApplyAsync(GatewayModel.Empty, CancellationToken.None);

        Assert.False(names.Contains("X-User"));
        Assert.False(names.Contains("X_Org"));
        Assert.True(names.Contains("X-Auth-Subject"));
    }

    [Fact]
    public async Task A_long_name_with_underscores_is_checked_without_overflowing()
    {
        var names = new IdentityHeaderNames();
        var longName = "X_" + new string('a', 300);
        await names.ApplyAsync(WithPolicies(Policy("a", IdentityHeaders.Default with { Subject = longName.Replace('_', '-') })), CancellationToken.None);

        Assert.True(names.Contains(longName));
        Assert.False(names.Contains(longName + "_b"));
    }
}
