using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.IntegrationTests;

/// <summary>
/// An open route <c>/api</c> and a key-protected route <c>/api/admin</c> on the same backend: no spelling of a protected
/// path reaches the backend without a key, and the backend receives the path the gateway matched, byte for byte.
/// </summary>
public sealed class PathPolicyTests : IAsyncLifetime
{
    private const string Key = "admin-secret-key-0001";

    private readonly ConcurrentQueue<(string Target, string? Subject)> _seen = new();
    private TestBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync("api");
        _backend.Handler = context =>
        {
            // What arrived on the wire, not Kestrel's decoded path.
            var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            var subject = context.Request.Headers["X-Auth-Subject"].ToString();
            _seen.Enqueue((target, subject.Length == 0 ? null : subject));
            context.Response.ContentLength = Encoding.UTF8.GetByteCount(target);
            return context.Response.WriteAsync(target);
        };
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private object Section(params object[] extraRoutes) => new
    {
        AuthPolicies = new Dictionary<string, object>
        {
            ["admins"] = new { Type = "ApiKey", ApiKey = new { Keys = new[] { new { Id = "root", Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key))) } } } },
        },
        Routes = new object[]
        {
            new { Name = "api", Matches = new[] { new { Path = "/api" } }, Backends = new[] { "api" } },
            new { Name = "admin", Matches = new[] { new { Path = "/api/admin" } }, Backends = new[] { "api" }, AuthPolicy = "admins" },
        }.Concat(extraRoutes).ToArray(),
        Backends = new Dictionary<string, object> { ["api"] = new { Endpoints = new[] { _backend.Url } } },
    };

    [Fact]
    public async Task No_spelling_of_a_protected_path_reaches_the_backend_without_a_key()
    {
        await using var gateway = await TestGateway.StartAsync(Section());
        var port = gateway.Client.BaseAddress!.Port;

        var cases = new (string Target, int Expected, string Why)[]
        {
            ("/api/admin/users", 401, "the protected path itself"),
            ("/api//admin/users", 401, "repeated slash, merged"),
            ("/api///admin//users", 401, "several repeated slashes"),
            ("//api/admin/users", 401, "leading repeated slash"),
            ("/api/./admin/users", 401, "dot segment, resolved"),
            ("/api/x/../admin/users", 401, "dot-dot segment, resolved"),
            ("/api/%2e%2E/api/admin/users", 401, "encoded dot-dot, resolved"),
            ("/api/.%2e/api/admin/users", 401, "half-encoded dot-dot, resolved"),
            ("/api/%61dmin/users", 401, "encoded unreserved letter, decoded"),
            ("/%61pi/admin/users", 401, "encoded letter in the open prefix"),
            ("/api/Admin/users", 401, "case variant, held to the protected route's policy"),
            ("/api/ADMIN", 401, "upper-case variant of the prefix itself"),
            ("/api/aDmIn//users", 401, "case variant and repeated slash"),
            ("http://localhost/api//admin/users", 401, "absolute-form target"),
            ("/api/admin;x/users", 400, "path parameter"),
            ("/api/admin%3Bx/users", 400, "encoded path parameter"),
            ("/api/admin%3bx/users", 400, "encoded path parameter, lower-case hex"),
            ("/api/..;/api/admin/users", 400, "dot-dot with a parameter"),
            ("/api/%2e%2e%3b/api/admin/users", 400, "encoded dot-dot with a parameter"),
            ("/api/admin%5Cusers", 400, "encoded backslash"),
            ("/api\\admin/users", 400, "raw backslash"),
            ("/api/admin%2Fusers", 400, "encoded slash"),
            ("/api/x%2F..%2Fadmin/users", 400, "encoded slashes around a dot-dot"),
            ("/api/..%2Fapi/admin/users", 400, "dot-dot with an encoded slash"),
            ("/api%2Fadmin/users", 404, "encoded slash: 'api%2Fadmin' stays one segment, which no route takes"),
            ("/api%5Cadmin/users", 404, "encoded backslash: 'api%5Cadmin' stays one segment, which no route takes"),
            ("/api/../../api/admin/users", 400, "dot-dot above the root"),
            ("/api/admin%00/users", 400, "encoded NUL"),
            ("/api/admin%0d%0aX-Auth-Subject:%20root", 400, "encoded CR LF"),
            ("/api/a%zzdmin", 400, "malformed escape"),
            ("/api/x/%C0%AE%C0%AE/admin/users", 400, "overlong UTF-8 dot-dot"),
            ("/API/admin/users", 404, "no route takes /API (routing stays case-sensitive)"),
        };

        // Kestrel refuses these before the gateway sees them, with its own empty 400.
        var answeredByKestrel = new HashSet<string> { "/api/admin%00/users" };
        var failures = new List<string>();
        foreach (var (target, expected, why) in cases)
        {
            var (status, body) = await SendAsync(port, target);
            if (status != expected)
            {
                failures.Add($"{target} ({why}): {status}, expected {expected}: {body}");
            }
            else if (status is 400 or 401 && !answeredByKestrel.Contains(target) && !body.Contains($"\"status\":{status}", StringComparison.Ordinal))
            {
                failures.Add($"{target} ({why}): {status} without a problem document: {body}");
            }
        }

        Assert.Empty(failures);
        Assert.Empty(_seen);
    }

    [Theory]
    [InlineData("/api/admin;x/users", "path parameter")]
    [InlineData("/api/admin%2Fusers", "encoded slash")]
    [InlineData("/api/..;/api/admin/users", "dot segment with parameters")]
    [InlineData("/api/../../admin", "climbs above the root")]
    [InlineData("/api/x%01", "control character")]
    [InlineData("/api/x%G0", "hex escape")]
    public async Task A_refusal_names_what_is_wrong_with_the_path(string target, string named)
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        var (status, body) = await SendAsync(gateway.Client.BaseAddress!.Port, target);

        Assert.Equal(400, status);
        Assert.Contains("application/problem+json", body, StringComparison.Ordinal);
        Assert.Contains(named, JsonNode.Parse(body[body.IndexOf('{')..(body.LastIndexOf('}') + 1)])!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_seen);
    }

    [Fact]
    public async Task With_a_key_each_spelling_reaches_the_backend_as_the_path_that_was_matched()
    {
        await using var gateway = await TestGateway.StartAsync(Section());
        var port = gateway.Client.BaseAddress!.Port;

        var cases = new (string Target, string Forwarded)[]
        {
            ("/api//admin/users", "/api/admin/users"),
            ("/api/x/../admin/users", "/api/admin/users"),
            ("/api/%2e%2e/api/admin/users", "/api/admin/users"),
            ("/api/%61dmin/users?q=%2e%2e//x", "/api/admin/users?q=%2e%2e//x"),
            // Matched by the open route (routing is case-sensitive) and sent as written, after the protected route's check.
            ("/api/Admin/users", "/api/Admin/users"),
        };

        foreach (var (target, forwarded) in cases)
        {
            var (status, body) = await SendAsync(port, target, $"X-Api-Key: {Key}");
            Assert.True(status == 200, $"{target}: {status} {body}");
            Assert.Equal(forwarded, BodyOf(body));
        }

        Assert.Equal(cases.Length, _seen.Count);
        Assert.All(_seen, seen => Assert.Equal("root", seen.Subject));
    }

    [Fact]
    public async Task The_backend_receives_escapes_as_sent_with_upper_case_hex()
    {
        await using var gateway = await TestGateway.StartAsync(Section(
            new { Name = "strip", Matches = new[] { new { Path = "/strip" } }, Backends = new[] { "api" }, Filters = new { UrlRewrite = new { Path = new { Type = "ReplacePrefixMatch", Value = "/" } } } }));
        var port = gateway.Client.BaseAddress!.Port;

        var cases = new (string Target, string Forwarded)[]
        {
            ("/api/caf%E9", "/api/caf%E9"),
            ("/api/caf%e9", "/api/caf%E9"),
            ("/api/caf%C3%A9", "/api/caf%C3%A9"),
            ("/api/caf%c3%a9", "/api/caf%C3%A9"),
            ("/api/%F0%9F%98%80", "/api/%F0%9F%98%80"),
            ("/api/my%20model", "/api/my%20model"),
            ("/api/a%3Ab%40c%2Bd", "/api/a%3Ab%40c%2Bd"),
            ("/api/100%25", "/api/100%25"),
            ("/api/%2541", "/api/%2541"),
            ("/api/%41%7E", "/api/A~"),
            ("/api/v1/models/m:predict", "/api/v1/models/m:predict"),
            ("/strip//caf%e9?x=%e9", "/caf%E9?x=%e9"),
            ("/strip/a/../caf%C3%A9", "/caf%C3%A9"),
        };

        foreach (var (target, forwarded) in cases)
        {
            var (status, body) = await SendAsync(port, target);
            Assert.True(status == 200, $"{target}: {status} {body}");
            Assert.Equal(forwarded, BodyOf(body));
        }
    }

    [Fact]
    public async Task A_route_that_accepts_parameters_or_encoded_slashes_gets_them_as_sent()
    {
        await using var gateway = await TestGateway.StartAsync(Section(
            new { Name = "java", Matches = new[] { new { Path = "/java" } }, Backends = new[] { "api" }, AllowPathParameters = true },
            new { Name = "files", Matches = new[] { new { Path = "/files" } }, Backends = new[] { "api" }, AllowEncodedSlashes = true }));
        var port = gateway.Client.BaseAddress!.Port;

        var (status, body) = await SendAsync(port, "/java/cart;jsessionid=A1%3bx");
        Assert.Equal(200, status);
        Assert.Equal("/java/cart;jsessionid=A1%3Bx", BodyOf(body));

        (status, body) = await SendAsync(port, "/files/a%2fb%5Cc");
        Assert.Equal(200, status);
        Assert.Equal("/files/a%2Fb%5Cc", BodyOf(body));

        // Each route accepts only the form it names; what can never be normalised safely stays refused.
        Assert.Equal(400, (await SendAsync(port, "/java/a%2Fb")).Status);
        Assert.Equal(400, (await SendAsync(port, "/files/a;b")).Status);
        Assert.Equal(400, (await SendAsync(port, "/java/..;/api/admin")).Status);
        Assert.Equal(400, (await SendAsync(port, "/files/a%00")).Status);
        Assert.Equal(2, _seen.Count);
    }

    [Fact]
    public async Task Global_settings_relax_the_default_for_every_route()
    {
        await using var gateway = await TestGateway.StartAsync(
            Section(),
            "--Gateway:PathPolicy:MergeSlashes=false",
            "--Gateway:PathPolicy:AllowPathParameters=true",
            "--Gateway:PathPolicy:AllowEncodedSlashes=true");
        var port = gateway.Client.BaseAddress!.Port;

        // These are the risks the defaults exist for: the open route takes them and the backend gets them as sent.
        var (status, body) = await SendAsync(port, "/api//admin/users");
        Assert.Equal(200, status);
        Assert.Equal("/api//admin/users", BodyOf(body));
        (status, body) = await SendAsync(port, "/api/admin;x/users");
        Assert.Equal(200, status);
        Assert.Equal("/api/admin;x/users", BodyOf(body));
        (status, body) = await SendAsync(port, "/api/admin%2fusers");
        Assert.Equal(200, status);
        Assert.Equal("/api/admin%2Fusers", BodyOf(body));

        // Dot segments are still resolved and case variants still held to the protected route.
        Assert.Equal(401, (await SendAsync(port, "/api/x/../admin/users")).Status);
        Assert.Equal(401, (await SendAsync(port, "/api/Admin/users")).Status);
        Assert.Equal(3, _seen.Count);
    }

    [Fact]
    public async Task A_relaxation_that_is_not_a_boolean_stops_the_start()
    {
        var error = await Assert.ThrowsAsync<Gateway.Primitives.StartupException>(() => TestGateway.StartAsync(Section(), "--Gateway:PathPolicy:MergeSlashes=sometimes"));

        Assert.Contains(error.Errors, e => e.Contains("Gateway:PathPolicy:MergeSlashes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_case_variant_is_held_only_to_protected_routes_that_rank_before_the_match()
    {
        await using var gateway = await TestGateway.StartAsync(Section(
            new { Name = "public", Matches = new[] { new { Path = "/api/admin/public" } }, Backends = new[] { "api" } },
            new { Name = "docs", Matches = new[] { new { Path = "/api/Admin/docs" } }, Backends = new[] { "api" } }));
        var port = gateway.Client.BaseAddress!.Port;

        // /api/Admin/docs matches its own open route exactly: a case-insensitive /api/admin ranks after that longer prefix.
        Assert.Equal(200, (await SendAsync(port, "/api/Admin/docs/x")).Status);
        Assert.Equal(200, (await SendAsync(port, "/api/admin/public/x")).Status);
        Assert.Equal(401, (await SendAsync(port, "/api/Admin/other")).Status);
        Assert.Equal(2, _seen.Count);
    }

    [Fact]
    public async Task No_spelling_of_a_path_under_a_protected_plain_prefix_reaches_the_backend_without_a_key()
    {
        await using var gateway = await TestGateway.StartAsync(Section(
            new { Name = "models", Matches = new[] { new { Path = new { Type = "StringPrefix", Value = "/api/models" } } }, Backends = new[] { "api" }, AuthPolicy = "admins" }));
        var port = gateway.Client.BaseAddress!.Port;

        var cases = new (string Target, int Expected)[]
        {
            ("/api/models", 401),
            ("/api/modelsx", 401),
            ("/api/models/llama", 401),
            ("/api//modelsx", 401),
            ("/api/x/../modelsx", 401),
            ("/api/%6Dodelsx", 401),
            ("/api/MODELSx", 401),
            ("/api/Models/llama", 401),
            ("/api/modelsx;y", 400),
            ("/api/models%2Fx", 400),
            ("/api/model", 200),
        };
        var failures = new List<string>();
        foreach (var (target, expected) in cases)
        {
            var (status, response) = await SendAsync(port, target);
            if (status != expected)
            {
                failures.Add($"{target}: {status}, expected {expected}: {response}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(["/api/model"], _seen.Select(s => s.Target).ToArray());
        Assert.Equal(200, (await SendAsync(port, "/api/MODELSx", $"X-Api-Key: {Key}")).Status);
    }

    /// <summary>What the backend answered: the target it received.</summary>
    private static string BodyOf(string response) => response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

    /// <summary>Sends <paramref name="target"/> exactly as written (HttpClient would normalise it first) and reads status and whole response.</summary>
    private static async Task<(int Status, string Response)> SendAsync(int port, string target, params string[] headers)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var extra = string.Concat(headers.Select(h => h + "\r\n"));
        await stream.WriteAsync(Encoding.Latin1.GetBytes($"GET {target} HTTP/1.1\r\nHost: localhost\r\n{extra}Connection: close\r\n\r\n"));
        var response = await RawHttp.ReadAllAsync(stream, TimeSpan.FromSeconds(10));
        return (RawHttp.StatusOf(response), response);
    }
}
