using Microsoft.AspNetCore.Http;

namespace Gateway.Auth;

/// <summary>One auth policy compiled for the hot path.</summary>
internal interface IAuthenticator
{
    string PolicyName { get; }

    /// <summary>Checks the request's credential; completes synchronously unless signing keys must be fetched.</summary>
    ValueTask<AuthResult> AuthenticateAsync(HttpContext context);

    /// <summary>The <c>WWW-Authenticate</c> value for a request this policy refused with <paramref name="result"/>.</summary>
    string Challenge(AuthResult result);

    /// <summary>Removes the credential this policy reads so the backend never sees it.</summary>
    void RemoveCredentials(HttpContext context);
}
