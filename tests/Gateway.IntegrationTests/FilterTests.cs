using System.Net;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

public sealed class FilterTests : IAsyncLifetime
{
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync("a");

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private Task<TestGateway> StartAsync(params object[] routes) => TestGateway.StartAsync(new
    {
        Routes = routes,
        Backends = new Dictionary<string, object> { ["a"] = new { Endpoints = new[] { _backend.Url } } },
    });

    [Theory]
    [InlineData("/service-a/x", "/", "/x")]
    [InlineData("/service-a", "/", "/")]
    [InlineData("/service-a/", "/", "/")]
    [InlineData("/service-a/x/y?q=1", "/", "/x/y")]
    [InlineData("/service-a/x", "/v1", "/v1/x")]
    [InlineData("/service-a", "/v1", "/v1")]
    [InlineData("/service-a/x", "/v1/", "/v1/x")]
    public async Task Replace_prefix_rewrites_only_the_matched_prefix(string requestPath, string replacement, string backendPath)
    {
        await using var gateway = await StartAsync(new
        {
            Name = "r",
            Matches = new[] { new { Path = "/service-a" } },
            Filters = new { UrlRewrite = new { Path = new { Type = "ReplacePrefixMatch", Value = replacement } } },
            Backends = new[] { "a" },
        });

        using var response = await gateway.Client.GetAsync(requestPath);
        var echo = await BackendEcho.ReadAsync(response);
        Assert.Equal(backendPath, echo.Path);
        Assert.Equal("/service-a", echo.Headers["x-forwarded-prefix"]);
        Assert.Equal(new Uri(gateway.Client.BaseAddress!, requestPath).Query, echo.Query);
    }

    [Fact]
    public async Task Replace_full_path_sends_the_configured_path()
    {
        await using var gateway = await StartAsync(new
        {
            Name = "r",
            Matches = new[] { new { Path = "/old" } },
            Filters = new { UrlRewrite = new { Path = new { Type = "ReplaceFullPath", Value = "/v2/predict" } } },
            Backends = new[] { "a" },
        });

        var echo = await BackendEcho.ReadAsync(await gateway.Client.GetAsync("/old/anything?q=1"));
        Assert.Equal("/v2/predict", echo.Path);
        Assert.Equal("?q=1", echo.Query);
    }

    [Fact]
    public async Task Forwarded_headers_describe_the_client_and_a_client_cannot_forge_them()
    {
        await using var gateway = await StartAsync(new { Name = "r", Backends = new[] { "a" } });

        var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Host = "models.example.com";
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("X-Forwarded-Prefix", "/forged");
        var echo = await BackendEcho.ReadAsync(await gateway.Client.SendAsync(request));

        Assert.Equal("127.0.0.1", echo.Headers["x-forwarded-for"]);
        Assert.Equal("http", echo.Headers["x-forwarded-proto"]);
        Assert.Equal("models.example.com", echo.Headers["x-forwarded-host"]);
        Assert.Equal("models.example.com", echo.Headers["host"]);
        Assert.False(echo.Headers.ContainsKey("x-forwarded-prefix"));
    }

    [Fact]
    public async Task Request_headers_are_set_added_and_removed()
    {
        await using var gateway = await StartAsync(new
        {
            Name = "r",
            Filters = new
            {
                RequestHeaders = new
                {
                    Set = new Dictionary<string, string> { ["X-Model"] = "llama" },
                    Add = new Dictionary<string, string> { ["X-Tags"] = "gateway" },
                    Remove = new[] { "X-Secret" },
                },
            },
            Backends = new[] { "a" },
        });

        var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Add("X-Model", "client-choice");
        request.Headers.Add("X-Tags", "client");
        request.Headers.Add("X-Secret", "s3cret");
        var echo = await BackendEcho.ReadAsync(await gateway.Client.SendAsync(request));

        Assert.Equal("llama", echo.Headers["x-model"]);
        // Gateway API joins an added value to the client's with a bare comma.
        Assert.Equal("client,gateway", echo.Headers["x-tags"]);
        Assert.False(echo.Headers.ContainsKey("x-secret"));
    }

    [Fact]
    public async Task Response_headers_are_set_added_and_removed_even_on_errors()
    {
        _backend.Handler = context =>
        {
            context.Response.StatusCode = 500;
            context.Response.Headers["X-Backend-Internal"] = "yes";
            context.Response.Headers["X-Served-By"] = "pod-1";
            return Task.CompletedTask;
        };
        await using var gateway = await StartAsync(new
        {
            Name = "r",
            Filters = new
            {
                ResponseHeaders = new
                {
                    Set = new Dictionary<string, string> { ["Cache-Control"] = "no-store" },
                    Add = new Dictionary<string, string> { ["X-Served-By"] = "gateway" },
                    Remove = new[] { "X-Backend-Internal" },
                },
            },
            Backends = new[] { "a" },
        });

        using var response = await gateway.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(["pod-1", "gateway"], response.Headers.GetValues("X-Served-By"));
        Assert.False(response.Headers.Contains("X-Backend-Internal"));
    }

    [Fact]
    public async Task Hostname_rewrite_changes_the_host_the_backend_sees()
    {
        await using var gateway = await StartAsync(new
        {
            Name = "r",
            Filters = new { UrlRewrite = new { Hostname = "internal.models.svc" } },
            Backends = new[] { "a" },
        });

        var echo = await BackendEcho.ReadAsync(await gateway.Client.GetAsync("/x"));
        Assert.Equal("internal.models.svc", echo.Headers["host"]);
    }

    [Theory]
    [InlineData(new[] { "Scheme", "https" }, "/docs/x?q=1", 302, "https://gw.example.com/docs/x?q=1")]
    [InlineData(new[] { "Hostname", "new.example.com", "StatusCode", "301" }, "/docs/x", 301, "http://new.example.com:8080/docs/x")]
    [InlineData(new[] { "Port", "9443", "Scheme", "https" }, "/docs", 302, "https://gw.example.com:9443/docs")]
    [InlineData(new[] { "PathPrefix", "/manual" }, "/docs/a/b", 302, "http://gw.example.com:8080/manual/a/b")]
    [InlineData(new[] { "FullPath", "/moved" }, "/docs/a", 308, "http://gw.example.com:8080/moved")]
    public async Task Redirects_answer_without_reaching_a_backend(string[] settings, string path, int status, string location)
    {
        var redirect = new Dictionary<string, object> { ["StatusCode"] = status };
        for (var i = 0; i < settings.Length; i += 2)
        {
            switch (settings[i])
            {
                case "PathPrefix":
                    redirect["Path"] = new { Type = "ReplacePrefixMatch", Value = settings[i + 1] };
                    break;
                case "FullPath":
                    redirect["Path"] = new { Type = "ReplaceFullPath", Value = settings[i + 1] };
                    break;
                default:
                    redirect[settings[i]] = settings[i] is "Port" or "StatusCode" ? int.Parse(settings[i + 1]) : settings[i + 1];
                    break;
            }
        }

        await using var gateway = await StartAsync(new { Name = "docs", Matches = new[] { new { Path = "/docs" } }, Filters = new { Redirect = redirect } });

        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "gw.example.com:8080";
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.ToString());
        Assert.Equal(0, _backend.RequestCount);
    }
}
