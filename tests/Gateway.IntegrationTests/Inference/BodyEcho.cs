using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// A backend handler that answers with the exact bytes of the request body it received, and says in response headers
/// which backend it is, the model header and the framing it got.
/// </summary>
internal static class BodyEcho
{
    public const string ModelHeader = "X-Gateway-Model-Name";

    public static async Task<TestBackend> StartAsync(string name)
    {
        var backend = await TestBackend.StartAsync(name);
        backend.Handler = Handler(name);
        return backend;
    }

    public static RequestDelegate Handler(string name) => async context =>
    {
        using var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy);
        var headers = context.Response.Headers;
        headers["x-backend"] = name;
        headers["x-model-header"] = context.Request.Headers.TryGetValue(ModelHeader, out var model) ? model.ToString() : "(none)";
        headers["x-content-length"] = context.Request.ContentLength?.ToString() ?? "(none)";
        headers["x-transfer-encoding"] = context.Request.Headers.TransferEncoding.ToString();
        context.Response.ContentType = "application/octet-stream";
        await context.Response.Body.WriteAsync(copy.ToArray());
    };

    public static HttpRequestMessage Post(string path, string body, string contentType = "application/json", bool chunked = false) =>
        Post(path, Encoding.UTF8.GetBytes(body), contentType, chunked);

    /// <summary>A POST; <paramref name="chunked"/> sends the body in three pieces with chunked framing and no length.</summary>
    public static HttpRequestMessage Post(string path, byte[] body, string contentType = "application/json", bool chunked = false)
    {
        HttpContent content = chunked ? new PiecesContent(body) : new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    /// <summary>What the backend said it received.</summary>
    public sealed record Received(string Backend, string ModelHeader, string ContentLength, string TransferEncoding, byte[] Body)
    {
        public static async Task<Received> ReadAsync(HttpResponseMessage response)
        {
            string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
            return new Received(Header("x-backend"), Header("x-model-header"), Header("x-content-length"), Header("x-transfer-encoding"), await response.Content.ReadAsByteArrayAsync());
        }
    }

    /// <summary>Sends its body in three writes, each flushed, so the gateway reads it across several reads.</summary>
    private sealed class PiecesContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var third = body.Length / 3;
            foreach (var (start, length) in new[] { (0, third), (third, third), (2 * third, body.Length - (2 * third)) })
            {
                await stream.WriteAsync(body.AsMemory(start, length));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
