using System.Buffers;
using System.Net;
using System.Text;
using Gateway.Proxy.Upstream;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Proxy.Upstream;

public sealed class RequestHeadWriterTests
{
    private static readonly LeanRoutePlan Plain = LeanRoutePlan.Compile([Transform("RequestHeaderOriginalHost", "true")], out _)!;

    [Fact]
    public void The_head_carries_the_clients_headers_without_hop_by_hop_ones_and_the_forwarded_headers()
    {
        var context = Request("GET", "/models/a", "?x=1&y=%20", ("Host", "api.example.com"), ("Accept", "application/json"),
            ("Connection", "keep-alive, X-Drop"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Upgrade-Insecure-Requests", "1"),
            ("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-Host", "forged"), ("X-Forwarded-Proto", "forged"));

        var head = Write(context, Plain, trustedPeer: false, destinationPath: "");

        Assert.Equal(
            "GET /models/a?x=1&y=%20 HTTP/1.1\r\nHost: api.example.com\r\nAccept: application/json\r\n"
            + "X-Forwarded-For: 10.1.2.3\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: api.example.com\r\n\r\n",
            head);
    }

    [Fact]
    public void A_trusted_proxys_chain_is_kept_and_the_peer_appended()
    {
        var context = Request("GET", "/", "", ("Host", "h"), ("X-Forwarded-For", "1.1.1.1, 2.2.2.2"));

        var head = Write(context, Plain, trustedPeer: true, destinationPath: "");

        Assert.Contains("\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2, 10.1.2.3\r\n", head, StringComparison.Ordinal);
    }

    [Fact]
    public void The_routes_path_and_header_transforms_apply_in_order()
    {
        var plan = LeanRoutePlan.Compile(
            [
                Transform("RequestHeader", "Host", "Set", "backend.internal"),
                Transform("X-Forwarded", "Set", "Prefix", "Off"),
                Transform("Gateway.ReplacePrefixMatch", "/svc", "With", "/"),
                Transform("RequestHeader", "X-Env", "Set", "prod"),
                Transform("Gateway.RequestHeaderAdd", "X-Tags", "Value", "gw"),
                Transform("RequestHeaderRemove", "X-Secret"),
            ],
            out _)!;
        var context = Request("POST", "/svc/predict", "", ("Host", "api.example.com"), ("X-Env", "dev"), ("X-Tags", "a"), ("X-Secret", "s"),
            ("X-Forwarded-Prefix", "/outer"), ("Content-Length", "5"));

        var head = Write(context, plan, trustedPeer: false, destinationPath: "/base/");

        Assert.StartsWith("POST /base/predict HTTP/1.1\r\nHost: backend.internal\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Env: prod\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Tags: a,gw\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Secret", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Forwarded-Prefix: /outer, /svc\r\n", head, StringComparison.Ordinal);
        Assert.EndsWith("\r\nContent-Length: 5\r\n\r\n", head, StringComparison.Ordinal);
    }

    [Fact]
    public void Cookies_sent_as_several_fields_are_joined_as_one()
    {
        var context = Request("GET", "/", "", ("Host", "h"));
        context.Request.Headers.Cookie = new(["a=1", "b=2"]);

        Assert.Contains("\r\nCookie: a=1; b=2\r\n", Write(context, Plain, false, ""), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "5", null, true, "Content-Length: 5\r\n")]
    [InlineData("POST", null, "chunked", true, "Transfer-Encoding: chunked\r\n")]
    [InlineData("POST", "0", null, false, "Content-Length: 0\r\n")]
    [InlineData("GET", null, null, false, "")]
    public void The_body_is_framed_as_the_client_framed_it(string method, string? contentLength, string? transferEncoding, bool canHaveBody, string framing)
    {
        var context = Request(method, "/", "", ("Host", "h"));
        if (contentLength is not null)
        {
            context.Request.Headers.ContentLength = long.Parse(contentLength, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (transferEncoding is not null)
        {
            context.Request.Headers.TransferEncoding = transferEncoding;
        }

        var output = new ArrayBufferWriter<byte>();
        var target = RequestHeadWriter.Target(context.Request, Plain, "")!;
        RequestHeadWriter.Write(output, context, Plain, target, "10.0.0.9:8080", false, RequestHeadWriter.BodyLength(context.Request, canHaveBody));
        var head = Encoding.ASCII.GetString(output.WrittenSpan);

        Assert.EndsWith("X-Forwarded-Host: h\r\n" + framing + "\r\n", head, StringComparison.Ordinal);
        Assert.Equal(transferEncoding is not null, head.Contains("chunked", StringComparison.Ordinal));
    }

    [Fact]
    public void A_request_without_a_host_gets_the_destinations()
    {
        var context = Request("GET", "/", "");

        Assert.StartsWith("GET / HTTP/1.1\r\nHost: 10.0.0.9:8080\r\n", Write(context, Plain, false, ""), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/a/../b", "")]
    [InlineData("/a/./b", "")]
    [InlineData("/a", "?q=\"x\"")]
    [InlineData("/a", "?q={x}")]
    public void Targets_YARP_would_write_otherwise_are_declined(string path, string query)
    {
        var context = Request("GET", path, query, ("Host", "h"));

        Assert.Null(RequestHeadWriter.Target(context.Request, Plain, ""));
    }

    [Fact]
    public void A_header_value_that_is_not_ASCII_is_declined()
    {
        var context = Request("GET", "/", "", ("Host", "h"), ("X-Name", "caf\u00e9"));

        Assert.Null(RequestHeadWriter.Target(context.Request, Plain, ""));
    }

    [Fact]
    public void A_path_is_escaped_as_YARP_escapes_it_and_kept_escapes_stay()
    {
        Assert.StartsWith("GET /a%20b/caf%E9 HTTP/1.1", Write(Request("GET", "/a b/caf%E9", "", ("Host", "h")), Plain, false, ""), StringComparison.Ordinal);
    }

    private static DefaultHttpContext Request(string method, string path, string query, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Connection.RemoteIpAddress = IPAddress.Parse("::ffff:10.1.2.3");
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        return context;
    }

    private static string Write(HttpContext context, LeanRoutePlan plan, bool trustedPeer, string destinationPath)
    {
        var output = new ArrayBufferWriter<byte>();
        var target = RequestHeadWriter.Target(context.Request, plan, destinationPath);
        Assert.NotNull(target);
        RequestHeadWriter.Write(output, context, plan, target, "10.0.0.9:8080", trustedPeer, RequestHeadWriter.BodyLength(context.Request, context.Request.ContentLength > 0));
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }

    private static Dictionary<string, string> Transform(params string[] keysAndValues)
    {
        var transform = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < keysAndValues.Length; i += 2)
        {
            transform[keysAndValues[i]] = keysAndValues[i + 1];
        }

        return transform;
    }
}
