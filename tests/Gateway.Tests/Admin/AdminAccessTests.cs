using System.Net;
using Gateway.Admin;
using Gateway.Hosting;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Admin;

public sealed class AdminAccessTests
{
    private const string Token = "0123456789abcdef-admin-token";

    private static DefaultHttpContext Request(string path, string remote, string local, string? authorization = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Connection.LocalIpAddress = IPAddress.Parse(local);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        context.Response.Body = new MemoryStream();
        return context;
    }

    private static async Task<string> Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return await new StreamReader(context.Response.Body).ReadToEndAsync();
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    public void Probes_and_metrics_are_open_to_every_client(string path)
    {
        var access = new AdminAccess(token: null);
        Assert.True(access.Allows(Request(path, "10.1.4.7", "10.1.2.3")));
    }

    [Theory]
    [InlineData("/config")]
    [InlineData("/routes")]
    [InlineData("/anything-else")]
    public void Configuration_pages_are_served_to_loopback_clients(string path)
    {
        var access = new AdminAccess(token: null);
        Assert.True(access.Allows(Request(path, "127.0.0.1", "127.0.0.1")));
        Assert.True(access.Allows(Request(path, "::1", "::1")));
        Assert.True(access.Allows(Request(path, "::ffff:127.0.0.1", "::ffff:127.0.0.1")));
        Assert.False(access.Allows(Request(path, "10.1.4.7", "10.1.2.3")));
    }

    [Fact]
    public void A_loopback_source_relayed_to_the_pod_address_is_not_local()
    {
        // What a mesh sidecar's inbound relay looks like: source 127.0.0.6, destination the pod's own address.
        var access = new AdminAccess(token: null);
        Assert.False(access.Allows(Request("/config", "127.0.0.6", "10.1.2.3")));
    }

    [Fact]
    public async Task Without_a_token_others_get_403_saying_how_to_get_access()
    {
        var access = new AdminAccess(token: null);
        var context = Request("/config", "10.1.4.7", "10.1.2.3", "Bearer " + Token);

        Assert.False(access.Allows(context));
        await access.RefuseAsync(context);

        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        var body = await Body(context);
        Assert.Contains("/config is served to loopback clients only", body, StringComparison.Ordinal);
        Assert.Contains("Gateway:Admin:Token", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_token_others_need_the_bearer_token()
    {
        var access = new AdminAccess(Token);

        Assert.True(access.Allows(Request("/config", "10.1.4.7", "10.1.2.3", "Bearer " + Token)));
        Assert.True(access.Allows(Request("/routes", "10.1.4.7", "10.1.2.3", "bearer " + Token)));
        Assert.True(access.Allows(Request("/config", "127.0.0.1", "127.0.0.1")));
        Assert.False(access.Allows(Request("/config", "10.1.4.7", "10.1.2.3", "Bearer " + Token[..^1])));
        Assert.False(access.Allows(Request("/config", "10.1.4.7", "10.1.2.3", "Bearer " + Token + "x")));
        Assert.False(access.Allows(Request("/config", "10.1.4.7", "10.1.2.3", "Basic " + Token)));

        var refused = Request("/config", "10.1.4.7", "10.1.2.3");
        Assert.False(access.Allows(refused));
        await access.RefuseAsync(refused);
        Assert.Equal(StatusCodes.Status401Unauthorized, refused.Response.StatusCode);
        Assert.Equal("Bearer realm=\"gateway-admin\"", refused.Response.Headers.WWWAuthenticate.ToString());
        Assert.DoesNotContain(Token, await Body(refused), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_authorization_lines_are_refused()
    {
        var access = new AdminAccess(Token);
        var context = Request("/config", "10.1.4.7", "10.1.2.3");
        context.Request.Headers.Authorization = new Microsoft.Extensions.Primitives.StringValues(["Bearer " + Token, "Bearer other-token-000000"]);

        Assert.False(access.Allows(context));
    }

    [Fact]
    public void The_token_file_is_read_and_trimmed()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Token + "\n");
            var access = new AdminAccess(new AdminOptions { TokenFile = file }.ReadToken());
            Assert.True(access.Allows(Request("/config", "10.1.4.7", "10.1.2.3", "Bearer " + Token)));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
