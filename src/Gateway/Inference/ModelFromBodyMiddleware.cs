using System.Buffers;
using Gateway.Model;
using Gateway.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Inference;

/// <summary>
/// Runs before routing on every request. It removes the client's own <see cref="InferenceHeaders.ModelName"/>, and for a
/// JSON <c>POST</c> on a path in <see cref="ModelFromBodyRoutes.Scope"/> reads the body whole (up to
/// <see cref="ModelFromBodyOptions.MaxBodySize"/>, 413 beyond), sets the header to the body's top-level <c>model</c>, and
/// puts the body back as a <see cref="BufferedJsonBody"/>, so the backend gets it byte for byte. A body without a usable
/// model is refused with 400 and nothing is forwarded; other content types pass untouched.
/// </summary>
internal sealed partial class ModelFromBodyMiddleware(
    RequestDelegate next,
    ModelFromBodyRoutes routes,
    IOptions<InferenceOptions> options,
    ILogger<ModelFromBodyMiddleware> logger)
{
    private const int ChunkedInitialSize = 16 * 1024;

    private readonly bool _enabled = options.Value.ModelFromBody.Enabled;
    private readonly int _maxBodySize = options.Value.ModelFromBody.MaxBodySize;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        request.Headers.Remove(InferenceHeaders.ModelName);
        if (!_enabled || !HttpMethods.IsPost(request.Method) || !IsJson(request.ContentType))
        {
            return next(context);
        }

        var scope = routes.Scope;
        return scope.Covers(request.Path) ? ExtractAsync(context, scope) : next(context);
    }

    /// <summary><c>application/json</c>, in any case, with or without parameters.</summary>
    internal static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        return mediaType.Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private async Task ExtractAsync(HttpContext context, ModelFromBodyScope scope)
    {
        var request = context.Request;
        var declared = request.ContentLength;
        if (declared > _maxBodySize)
        {
            await RefuseTooLargeAsync(context);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(declared is > 0 ? (int)declared.Value : ChunkedInitialSize);
        var owned = true;
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (declared is not null)
                    {
                        break;
                    }

                    if (length > _maxBodySize)
                    {
                        await RefuseTooLargeAsync(context);
                        return;
                    }

                    buffer = Grow(buffer, Math.Min((long)buffer.Length * 2, _maxBodySize + 1L));
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length > _maxBodySize)
            {
                await RefuseTooLargeAsync(context);
                return;
            }

            var status = ModelNameReader.Read(buffer.AsSpan(0, length), scope.KnownNames, out var model, out var token, out var detail);
            if (status != ModelReadStatus.Found)
            {
                var reason = Reason(status, detail);
                LogRefused(logger, request.Path.Value, reason);
                await ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, reason);
                return;
            }

            var body = new BufferedJsonBody(buffer, length, model!, token);
            owned = false;
            context.Response.RegisterForDispose(body);
            request.Body = body;
            context.Features.Set(body);
            request.Headers[InferenceHeaders.ModelName] = model;
        }
        finally
        {
            if (owned)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        await next(context);
    }

    private static byte[] Grow(byte[] buffer, long size)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)size);
        buffer.AsSpan().CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private Task RefuseTooLargeAsync(HttpContext context) =>
        ProblemResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {_maxBodySize} bytes, the most read to find its 'model'.");

    private static string Reason(ModelReadStatus status, string? detail) => status switch
    {
        ModelReadStatus.Malformed => $"The request body is not valid JSON: {detail}",
        ModelReadStatus.NotAnObject => $"The request body must be a JSON object with a 'model' field; it is {detail}.",
        ModelReadStatus.Missing => "The request body has no top-level 'model' field.",
        ModelReadStatus.NotAString => $"The request body's 'model' must be a string; it is {detail}.",
        ModelReadStatus.Duplicate => "The request body has more than one top-level 'model' field.",
        _ => $"The request body's 'model' must be 1 to {ModelNameReader.MaxNameLength} visible ASCII characters.",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused the body of a request to '{Path}': {Reason}")]
    private static partial void LogRefused(ILogger logger, string? path, string reason);
}
