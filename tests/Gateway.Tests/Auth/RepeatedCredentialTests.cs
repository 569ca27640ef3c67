using Gateway.Auth;
using Gateway.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Auth;

public sealed class RepeatedCredentialTests
{
    private static RouteAuth Route(params AuthPolicy[] policies) => new("r", new IAuthenticator[policies.Length], policies);

    private static AuthPolicy ApiKey(ApiKeyAuth settings) => new() { Name = "keys", Type = AuthPolicyType.ApiKey, ApiKey = settings };

    private static readonly AuthPolicy Jwt = new() { Name = "jwt", Type = AuthPolicyType.Jwt, Jwt = new JwtAuth() };

    private static HttpRequest Request(string query = "", params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        return context.Request;
    }

    [Fact]
    public void Each_credential_source_of_each_policy_is_watched()
    {
        var route = Route(ApiKey(new ApiKeyAuth { Header = "X-Model-Key", QueryParameter = "key" }), Jwt);

        Assert.Equal("X-Model-Key", route.FindRepeatedCredential(Request("", ("x-model-key", "a"), ("X-MODEL-KEY", "b"))));
        Assert.Equal("Authorization", route.FindRepeatedCredential(Request("", ("Authorization", "Bearer a"), ("Authorization", "Bearer b"))));
        Assert.Equal("key", route.FindRepeatedCredential(Request("?key=a&key=b")));
    }

    [Fact]
    public void One_value_per_source_and_sources_a_route_does_not_read_are_not_ambiguous()
    {
        var route = Route(ApiKey(new ApiKeyAuth { Bearer = false }));

        Assert.Null(route.FindRepeatedCredential(Request("?api_key=a&api_key=b", ("X-Api-Key", "a, b"), ("Authorization", "Basic a"), ("Authorization", "Basic b"))));
        Assert.Null(route.FindRepeatedCredential(Request("?key=a&Key=b", ("X-Api-Key", "a"))));
    }
}
