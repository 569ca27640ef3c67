using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>
/// The lean HTTP/1.1 upstream path (<c>Gateway:Transport:LeanUpstream</c>) against backends that send exactly the bytes
/// each test scripts: framing both ways, informational answers, reuse and close, backends that break off, and responses
/// built to be read two ways (which must never reach the client).
/// </summary>
public sealed class LeanUpstreamTests
{
    [Fact]
    public async Task A_content_length_response_is_forwarded_and_its_connection_reused()
    {
        await using var backend = RawBackend.Start("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Up: 1\r\nContent-Length: 5\r\n\r\nhello");
        await using var gateway = await StartAsync(backend.Url);

        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.Client.GetAsync("/x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("hello", await response.Content.ReadAsStringAsync());
            Assert.Equal("1", response.Headers.GetValues("X-Up").Single());
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task A_chunked_response_with_trailers_is_forwarded_whole_and_its_connection_reused()
    {
        await using var backend = RawBackend.Start("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n");
        await using var gateway = await StartAsync(backend.Url);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("hello world", await gateway.Client.GetStringAsync("/x"));
        }

        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task A_backend_that_says_close_gets_a_new_connection_for_each_request()
    {
        await using var backend = RawBackend.Start("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", close: true);
        await using var gateway = await StartAsync(backend.Url);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("ok", await gateway.Client.GetStringAsync("/x"));
        }

        Assert.Equal(5, backend.Connections);
    }

    [Fact]
    public async Task A_body_delimited_by_the_close_is_forwarded_whole()
    {
        await using var backend = RawBackend.Start("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", close: true);
        await using var gateway = await StartAsync(backend.Url);

        Assert.Equal("until the end", await gateway.Client.GetStringAsync("/x"));
        Assert.Equal("until the end", await gateway.Client.GetStringAsync("/x"));
        Assert.Equal(2, backend.Connections);
    }

    [Fact]
    public async Task Request_bodies_reach_the_backend_whole_with_either_framing()
    {
        await using var backend = RawBackend.Start("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        await using var gateway = await StartAsync(backend.Url);

        var sized = await SendRawAsync(gateway, "POST /upload HTTP/1.1\r\nHost: api\r\nContent-Length: 11\r\n\r\nhello world");
        var chunked = await SendRawAsync(gateway, "PUT /upload HTTP/1.1\r\nHost: api\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 201 Created\r\n", sized, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 201 Created\r\n", chunked, StringComparison.Ordinal);
        var received = backend.Requests.ToArray();
        Assert.Equal(2, received.Length);
        Assert.Equal(("POST /upload", "Content-Length: 11", "hello world"), HeadAndBody(received[0], "Content-Length"));
        var (line, framing, body) = HeadAndBody(received[1], "Transfer-Encoding");
        Assert.Equal(("PUT /upload", "Transfer-Encoding: chunked", "hello world"), (line, framing, Unchunk(body)));
    }

    /// <summary>The request line's method and path, the framing field named, and the body, of a request as the backend got it.</summary>
    private static (string Line, string Framing, string Body) HeadAndBody(string request, string framing)
    {
        var headEnd = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = request[..headEnd].Split("\r\n");
        var line = lines[0][..lines[0].LastIndexOf(' ')];
        return (line, lines.Single(l => l.StartsWith(framing + ":", StringComparison.OrdinalIgnoreCase)), request[(headEnd + 4)..]);
    }

    /// <summary>The data of a chunked body, however it was cut into chunks.</summary>
    private static string Unchunk(string body)
    {
        var data = new StringBuilder();
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n", StringComparison.Ordinal);
            var size = Convert.ToInt32(body[..lineEnd], 16);
            if (size == 0)
            {
                Assert.Equal("0\r\n\r\n", body);
                return data.ToString();
            }

            data.Append(body, lineEnd + 2, size);
            Assert.Equal("\r\n", body.Substring(lineEnd + 2 + size, 2));
            body = body[(lineEnd + 4 + size)..];
        }
    }

    [Fact]
    public async Task A_client_expecting_100_continue_gets_it_and_then_the_answer()
    {
        await using var backend = RawBackend.Start("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
        await using var gateway = await StartAsync(backend.Url);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, gateway.Client.BaseAddress!.Port);
        var stream = client.GetStream();

        // As a client does: the body waits for the 100 Continue that the gateway sends once it forwards the request.
        await stream.WriteAsync("POST /x HTTP/1.1\r\nHost: api\r\nExpect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\n"u8.ToArray());
        var interim = new byte[25];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await stream.ReadExactlyAsync(interim, timeout.Token);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(interim));
        await stream.WriteAsync("abc"u8.ToArray());
        var response = await RawHttp.ReadAllAsync(stream, TimeSpan.FromSeconds(5));

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\ndone", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nabc", Assert.Single(backend.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_without_a_body_end_at_their_head_and_keep_the_connection()
    {
        await using var backend = RawBackend.Start(request => new RawReply(PathOf(request) switch
        {
            "/no-content" => "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n",
            "/not-modified" => "HTTP/1.1 304 Not Modified\r\nETag: \"v\"\r\n\r\n",
            _ => "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
        }));
        await using var gateway = await StartAsync(backend.Url);

        foreach (var (method, path, status) in new[] { ("GET", "/no-content", 204), ("GET", "/not-modified", 304), ("HEAD", "/head", 200) })
        {
            for (var i = 0; i < 2; i++)
            {
                using var response = await gateway.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
                Assert.Equal(status, (int)response.StatusCode);
                Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            }
        }

        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task Responses_that_could_be_read_two_ways_never_reach_the_client()
    {
        string[] answers =
        [
            "HTTP/1.1 200 OK\r\nContent-Length: 8\r\nContent-Length: 8\r\n\r\nSMUGGLED",
            "HTTP/1.1 200 OK\r\nContent-Length: 8\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-A: 1\r\n Content-Length: 8\r\nContent-Length: 8\r\n\r\nSMUGGLED",
            "HTTP/1.1 200 OK\nContent-Length: 8\n\nSMUGGLED",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length : 8\r\n\r\nSMUGGLED",
            "HTTP/1.1 200 OK\r\nContent-Length: 8\r\nX-Nul: a\0b\r\n\r\nSMUGGLED",
        ];
        await using var backend = RawBackend.Start(request => new RawReply(answers[int.Parse(PathOf(request)[1..], System.Globalization.CultureInfo.InvariantCulture)]));
        await using var gateway = await StartAsync(backend.Url);

        for (var i = 0; i < answers.Length; i++)
        {
            using var response = await gateway.Client.GetAsync($"/{i}");
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.DoesNotContain("SMUGGLED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(answers.Length, backend.Requests.Count);
    }

    [Fact]
    public async Task A_backend_that_closes_inside_its_head_or_sends_an_oversized_one_is_a_502()
    {
        var big = string.Concat(Enumerable.Repeat("X-Big: " + new string('a', 1000) + "\r\n", 70));
        await using var backend = RawBackend.Start(request => PathOf(request) switch
        {
            "/nothing" => new RawReply("", Close: true),
            "/half" => new RawReply("HTTP/1.1 200 OK\r\nContent-Le", Close: true),
            _ => new RawReply("HTTP/1.1 200 OK\r\n" + big + "Content-Length: 2\r\n\r\nok"),
        });
        await using var gateway = await StartAsync(backend.Url);

        foreach (var path in new[] { "/nothing", "/half", "/oversized" })
        {
            using var response = await gateway.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_body_the_backend_breaks_off_is_broken_off_for_the_client_too()
    {
        string[] answers =
        [
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\nzz\r\n",
        ];
        await using var backend = RawBackend.Start(request => new RawReply(answers[int.Parse(PathOf(request)[1..], System.Globalization.CultureInfo.InvariantCulture)], Close: true));
        await using var gateway = await StartAsync(backend.Url);

        for (var i = 0; i < answers.Length; i++)
        {
            // Either nothing had reached the client (a 502), or its connection is aborted: a cut body never reads as whole.
            try
            {
                using var response = await gateway.Client.GetAsync($"/{i}");
                Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            }
            catch (HttpRequestException)
            {
                // The abort: what the client must see once part of the body went out.
            }
        }

        Assert.Equal(answers.Length, backend.Requests.Count);
    }

    [Fact]
    public async Task An_endpoint_refusing_connections_is_absorbed_by_the_other_for_every_method()
    {
        await using var backend = RawBackend.Start("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        await using var gateway = await TestGateway.StartAsync(
            new
            {
                Routes = new object[] { new { Name = "r", Backends = new[] { "pool" } } },
                Backends = new Dictionary<string, object> { ["pool"] = new { Endpoints = new[] { $"http://127.0.0.1:{ResilienceTests.UnusedPort()}", backend.Url } } },
            },
            "--Gateway:Transport:LeanUpstream=true");

        // A refused connect is reported as YARP's forwarder reports it, so the connect retry sends it to the live endpoint.
        for (var i = 0; i < 20; i++)
        {
            using var get = await gateway.Client.GetAsync($"/get-{i}");
            using var post = await gateway.Client.PostAsync($"/post-{i}", new StringContent("{}"));
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (get.StatusCode, post.StatusCode));
        }

        Assert.Equal(40, backend.Requests.Count);
    }

    [Fact]
    public async Task A_backend_that_never_answers_is_a_504_at_the_routes_timeout()
    {
        await using var backend = RawBackend.Start("");
        await using var gateway = await TestGateway.StartAsync(
            new
            {
                Routes = new object[] { new { Name = "r", Backends = new[] { "b" }, Timeout = "300ms" } },
                Backends = new Dictionary<string, object> { ["b"] = new { Endpoints = new[] { backend.Url } } },
            },
            "--Gateway:Transport:LeanUpstream=true");

        using var response = await gateway.Client.GetAsync("/x");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Single(backend.Requests);
    }

    [Fact]
    public async Task The_backend_sees_the_same_request_head_as_through_YARPs_forwarder()
    {
        await using var backend = RawBackend.Start("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        var section = new
        {
            Routes = new object[]
            {
                new
                {
                    Name = "r",
                    Matches = new[] { new { Path = "/svc" } },
                    Backends = new[] { "b" },
                    Filters = new
                    {
                        UrlRewrite = new { Path = new { Type = "ReplacePrefixMatch", Value = "/v2" } },
                        RequestHeaders = new { Set = new Dictionary<string, string> { ["X-Env"] = "prod" }, Add = new Dictionary<string, string> { ["X-Tags"] = "gw" }, Remove = new[] { "X-Secret" } },
                    },
                },
            },
            Backends = new Dictionary<string, object> { ["b"] = new { Endpoints = new[] { backend.Url } } },
        };
        const string Request = "POST /svc/predict?x=1&y=%2F HTTP/1.1\r\nHost: api.example.com\r\nAccept: */*\r\nX-Tags: a\r\nX-Secret: s\r\nCookie: a=1\r\n"
            + "X-Forwarded-For: 6.6.6.6\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";

        await using (var yarp = await TestGateway.StartAsync(section))
        {
            await SendRawAsync(yarp, Request);
        }

        await using (var lean = await TestGateway.StartAsync(section, "--Gateway:Transport:LeanUpstream=true"))
        {
            await SendRawAsync(lean, Request);
        }

        var heads = backend.Requests.ToArray();
        Assert.Equal(2, heads.Length);
        Assert.Equal(Lines(heads[0]), Lines(heads[1]));
    }

    private static string PathOf(string request) => request.Split(' ')[1];

    /// <summary>The request line, then the field lines sorted (their order carries no meaning), then the body.</summary>
    private static string[] Lines(string request)
    {
        var lines = request.Split("\r\n");
        var end = Array.IndexOf(lines, "");
        return [lines[0], .. lines[1..end].Order(StringComparer.OrdinalIgnoreCase), .. lines[(end + 1)..]];
    }

    private static Task<TestGateway> StartAsync(string backendUrl) => TestGateway.StartAsync(
        new
        {
            Routes = new object[] { new { Name = "r", Backends = new[] { "b" } } },
            Backends = new Dictionary<string, object> { ["b"] = new { Endpoints = new[] { backendUrl } } },
        },
        "--Gateway:Transport:LeanUpstream=true");

    /// <summary>Sends one request over a new connection, asking the gateway to close it after the answer, and reads all of it.</summary>
    private static async Task<string> SendRawAsync(TestGateway gateway, string request)
    {
        if (!request.Contains("Connection: close", StringComparison.Ordinal))
        {
            request = request.Insert(request.IndexOf("\r\n\r\n", StringComparison.Ordinal), "\r\nConnection: close");
        }

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, gateway.Client.BaseAddress!.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        return await RawHttp.ReadAllAsync(stream, TimeSpan.FromSeconds(5));
    }
}
