using Gateway.Auth;
using Gateway.Model;
using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Runs after routing and before rate limiting: removes client-sent identity headers, tries the route's policies in
/// order, and on success sets the identity headers for the backend, strips the credential (unless the policy forwards
/// it) and publishes the <see cref="AuthIdentity"/> as a request feature. Otherwise answers 401 with a
/// <c>WWW-Authenticate</c> challenge per policy, or 403 when a caller is known but lacks a scope or claim, without
/// calling the backend. Open routes pass straight through. A credential sent twice (two header lines, or a repeated
/// query parameter) is refused with 401 before any policy runs.
/// </summary>
internal sealed class AuthMiddleware(RequestDelegate next, AuthMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        var auth = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.AuthSlot?.Auth;
        if (auth is null)
        {
            return next(context);
        }

        return AuthenticateAsync(context, auth);
    }

    /// <summary>Holds the request to <paramref name="auth"/>: calls the next middleware when one of its policies allows it, answers otherwise.</summary>
    internal Task AuthenticateAsync(HttpContext context, RouteAuth auth)
    {
        var headers = context.Request.Headers;
        foreach (var name in auth.IdentityHeaderNames)
        {
            headers.Remove(name);
        }

        if (auth.FindRepeatedCredential(context.Request) is { } repeated)
        {
            return Refuse(context, auth, AuthResult.Invalid($"The credential is ambiguous: '{repeated}' is sent more than once."), -1);
        }

        // API keys decide synchronously; only a JWT policy fetching keys makes the rest of the walk asynchronous.
        var best = AuthResult.Missing;
        var bestIndex = -1;
        for (var i = 0; i < auth.Authenticators.Length; i++)
        {
            var pending = auth.Authenticators[i].AuthenticateAsync(context);
            if (!pending.IsCompletedSuccessfully)
            {
                return ContinueAsync(context, auth, i, pending, best, bestIndex);
            }

            if (Consider(context, auth, i, pending.Result, ref best, ref bestIndex))
            {
                return next(context);
            }
        }

        return Refuse(context, auth, best, bestIndex);
    }

    private async Task ContinueAsync(HttpContext context, RouteAuth auth, int index, ValueTask<AuthResult> pending, AuthResult best, int bestIndex)
    {
        for (var i = index; i < auth.Authenticators.Length; i++)
        {
            var result = i == index ? await pending : await auth.Authenticators[i].AuthenticateAsync(context);
            if (Consider(context, auth, i, result, ref best, ref bestIndex))
            {
                await next(context);
                return;
            }
        }

        await Refuse(context, auth, best, bestIndex);
    }

    /// <summary>Admits the request when <paramref name="result"/> allows it; otherwise keeps the most telling refusal.</summary>
    private bool Consider(HttpContext context, RouteAuth auth, int index, AuthResult result, ref AuthResult best, ref int bestIndex)
    {
        if (result.Outcome == AuthOutcome.Allowed)
        {
            Admit(context, auth.Authenticators[index], auth.Policies[index], result.Identity!);
            metrics.Record(auth.RouteName, auth.Policies[index].Name, AuthOutcome.Allowed);
            return true;
        }

        if (result.Outcome > best.Outcome)
        {
            best = result;
            bestIndex = index;
        }

        return false;
    }

    private static void Admit(HttpContext context, IAuthenticator authenticator, AuthPolicy policy, AuthIdentity identity)
    {
        if (!policy.ForwardCredentials)
        {
            authenticator.RemoveCredentials(context);
        }

        var headers = context.Request.Headers;
        var names = policy.Headers;
        Set(headers, names.Subject, identity.Subject);
        Set(headers, names.KeyId, identity.KeyId);
        Set(headers, names.Tenant, identity.Tenant);
        Set(headers, names.Plan, identity.Plan);
        context.Features.Set(identity);
    }

    private static void Set(IHeaderDictionary headers, string name, string? value)
    {
        if (name.Length > 0 && value is not null)
        {
            headers[name] = value;
        }
    }

    private Task Refuse(HttpContext context, RouteAuth auth, AuthResult best, int bestIndex)
    {
        metrics.Record(auth.RouteName, bestIndex < 0 ? auth.PolicyLabel : auth.Policies[bestIndex].Name, best.Outcome);
        var challenges = new string[auth.Authenticators.Length];
        for (var i = 0; i < challenges.Length; i++)
        {
            challenges[i] = auth.Authenticators[i].Challenge(i == bestIndex ? best : AuthResult.Missing);
        }

        context.Response.Headers[HeaderNames.WWWAuthenticate] = new StringValues(challenges);
        return best.Outcome == AuthOutcome.Forbidden
            ? ProblemResponse.WriteAsync(context, StatusCodes.Status403Forbidden, best.Error ?? "Forbidden.")
            : ProblemResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, best.Error ?? "Authentication is required.");
    }
}
