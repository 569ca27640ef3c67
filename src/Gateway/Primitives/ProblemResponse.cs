using Microsoft.AspNetCore.Http;

namespace Gateway.Primitives;

/// <summary>Writes the small RFC 9457 problem document the gateway answers with when it, not a backend, decides the response.</summary>
internal static class ProblemResponse
{
    public static Task WriteAsync(HttpContext context, int statusCode, string title)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(
            new Problem(title, statusCode),
            ProblemJsonContext.Default.Problem,
            contentType: "application/problem+json");
    }

    internal sealed record Problem(string Title, int Status);
}
