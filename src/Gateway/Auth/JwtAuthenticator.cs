using Gateway.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace Gateway.Auth;

/// <summary>
/// A JWT policy: validates <c>Authorization: Bearer</c> tokens with IdentityModel's <see cref="JsonWebTokenHandler"/>
/// against the policy's issuer, audiences and the signing keys of its <see cref="IConfigurationManager{T}"/> (see
/// <see cref="SigningKeySources"/>), then checks lifetime (with the injected clock), scopes
/// and claims. Only asymmetric algorithms are accepted and unsigned tokens never are, so neither <c>alg: none</c> nor
/// an HMAC token keyed with an RSA public key can pass.
/// </summary>
/// <remarks>
/// One validator per policy, rebuilt on every configuration change, rather than ASP.NET authentication schemes: schemes
/// are registered once when the host is built and could not follow hot-reloaded policies.
/// </remarks>
internal sealed class JwtAuthenticator : IAuthenticator
{
    private const int MaxTokenLength = 16 * 1024;

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly JwtAuth _settings;
    private readonly IConfigurationManager<OpenIdConnectConfiguration> _keys;
    private readonly TimeProvider _time;
    private readonly TimeSpan _skew;
    private readonly TokenValidationParameters _parameters;
    private readonly string _challenge;
    private readonly string _scopeList;
    private readonly JwtVerdictCache _verdicts;

    public JwtAuthenticator(AuthPolicy policy, IConfigurationManager<OpenIdConnectConfiguration> keys, TimeProvider time)
    {
        PolicyName = policy.Name;
        _settings = policy.Jwt!;
        _keys = keys;
        _time = time;
        _skew = _settings.ClockSkew ?? JwtAuth.DefaultClockSkew;
        _challenge = $"Bearer realm=\"{policy.Name}\"";
        _scopeList = string.Join(' ', _settings.Scopes);
        _verdicts = new JwtVerdictCache(time);
        _parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidAudiences = _settings.Audiences,
            // Checked after signature validation with the injected TimeProvider, so tests can move the clock.
            ValidateLifetime = false,
            RequireSignedTokens = true,
            ValidAlgorithms = _settings.EffectiveAlgorithms,
            TryAllIssuerSigningKeys = false,
        };
    }

    public string PolicyName { get; }

    public ValueTask<AuthResult> AuthenticateAsync(HttpContext context)
    {
        var text = BearerToken.Read(context.Request);
        if (text.IsEmpty)
        {
            return ValueTask.FromResult(AuthResult.Missing);
        }

        if (text.Length > MaxTokenLength)
        {
            return ValueTask.FromResult(AuthResult.Invalid("The token is too long."));
        }

        var hash = TokenHash.Of(text);
        return _verdicts.TryGet(hash, out var cached) ? ValueTask.FromResult(cached) : ValidateAsync(text.ToString(), hash);
    }

    /// <summary>Full validation of a token the verdict cache does not know; the verdict is cached when the token is genuine.</summary>
    internal async ValueTask<AuthResult> ValidateAsync(string text, TokenHash hash)
    {
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(text);
        }
        catch (ArgumentException)
        {
            return AuthResult.Invalid("The token is malformed.");
        }

        var kid = string.IsNullOrEmpty(token.Kid) ? null : token.Kid;
        var keys = await CurrentKeysAsync();
        if (Find(keys, kid) is null)
        {
            // Perhaps the provider rotated its key. The manager fetches again at most once per refresh interval, and
            // this call waits for that fetch when one runs.
            _keys.RequestRefresh();
            keys = await CurrentKeysAsync();
        }

        var parameters = _parameters.Clone();
        parameters.IssuerSigningKeyResolver = (_, _, _, _) => Find(keys, kid) ?? [];
        parameters.IssuerValidator = (issuer, _, _) => ValidateIssuer(issuer, keys.Issuer);
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return AuthResult.Invalid(Describe(result.Exception));
        }

        var verdict = Check(token);
        if (verdict.Outcome is AuthOutcome.Allowed or AuthOutcome.Forbidden)
        {
            _verdicts.Add(hash, verdict, new DateTimeOffset(token.ValidTo, TimeSpan.Zero) + _skew);
        }

        return verdict;
    }

    public string Challenge(AuthResult result) => result.Outcome switch
    {
        AuthOutcome.Invalid => $"{_challenge}, error=\"invalid_token\", error_description=\"{result.Error}\"",
        AuthOutcome.Forbidden => $"{_challenge}, error=\"insufficient_scope\", error_description=\"{result.Error}\"{(_scopeList.Length > 0 ? $", scope=\"{_scopeList}\"" : "")}",
        _ => _challenge,
    };

    public void RemoveCredentials(HttpContext context) => context.Request.Headers.Remove(HeaderNames.Authorization);

    /// <summary>What the signature check cannot tell: lifetime, subject, scopes and required claims.</summary>
    internal AuthResult Check(JsonWebToken token)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out _))
        {
            return AuthResult.Invalid("The token has no expiry.");
        }

        if (now > token.ValidTo + _skew)
        {
            return AuthResult.Invalid("The token expired.");
        }

        if (token.ValidFrom != DateTime.MinValue && now + _skew < token.ValidFrom)
        {
            return AuthResult.Invalid("The token is not valid yet.");
        }

        if (!token.TryGetPayloadValue<string>(_settings.SubjectClaim, out var subject) || string.IsNullOrEmpty(subject))
        {
            return AuthResult.Invalid($"The token has no '{_settings.SubjectClaim}' claim.");
        }

        if (!IsPrintableAscii(subject))
        {
            return AuthResult.Invalid($"The token's '{_settings.SubjectClaim}' claim cannot be sent in a header.");
        }

        foreach (var scope in _settings.Scopes)
        {
            if (!HasScope(token, scope))
            {
                return AuthResult.Forbidden($"The token lacks scope '{scope}'.");
            }
        }

        foreach (var (name, value) in _settings.Claims)
        {
            if (!HasClaim(token, name, value))
            {
                return AuthResult.Forbidden($"The token's '{name}' claim does not allow this route.");
            }
        }

        return AuthResult.Allowed(new AuthIdentity(PolicyName, subject, null, ClaimValue(token, _settings.TenantClaim), ClaimValue(token, _settings.PlanClaim)));
    }

    /// <summary>The provider's keys; none while it has never answered (its failure is logged by the fetch).</summary>
    private async ValueTask<OpenIdConnectConfiguration> CurrentKeysAsync()
    {
        try
        {
            return await _keys.GetConfigurationAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            return SigningKeySources.None;
        }
    }

    /// <summary>The keys a token with <paramref name="kid"/> may be signed with; a token without a kid may use any.</summary>
    private static SecurityKey[]? Find(OpenIdConnectConfiguration keys, string? kid)
    {
        List<SecurityKey>? found = null;
        foreach (var key in keys.SigningKeys)
        {
            if (kid is null || string.Equals(key.KeyId, kid, StringComparison.Ordinal))
            {
                (found ??= []).Add(key);
            }
        }

        return found?.ToArray();
    }

    private string ValidateIssuer(string issuer, string? discovered)
    {
        var expected = _settings.Issuer ?? discovered;
        if (expected is null || !string.Equals(issuer, expected, StringComparison.Ordinal))
        {
            throw new SecurityTokenInvalidIssuerException("The token's issuer is not trusted.") { InvalidIssuer = issuer };
        }

        return issuer;
    }

    // 'scope' is a space-separated string (RFC 8693); 'scp' is a string or an array (Azure AD, Okta). Read from the
    // parsed payload directly: enumerating token.Claims would build a Claim object per claim.
    private static bool HasScope(JsonWebToken token, string scope) =>
        (token.TryGetPayloadValue<string>("scope", out var spaced) && ContainsWord(spaced, scope))
        || (token.TryGetPayloadValue<string>("scp", out var scp) && ContainsWord(scp, scope))
        || (token.TryGetPayloadValue<string[]>("scp", out var scopes) && Array.IndexOf(scopes, scope) >= 0);

    private static bool HasClaim(JsonWebToken token, string name, string value) =>
        (token.TryGetPayloadValue<string>(name, out var single) && single == value)
        || (token.TryGetPayloadValue<string[]>(name, out var values) && Array.IndexOf(values, value) >= 0);

    private static bool ContainsWord(string words, string word)
    {
        var span = words.AsSpan();
        foreach (var range in span.Split(' '))
        {
            if (span[range].SequenceEqual(word))
            {
                return true;
            }
        }

        return false;
    }

    private static string? ClaimValue(JsonWebToken token, string? name) =>
        name is not null && token.TryGetPayloadValue<string>(name, out var value) && IsPrintableAscii(value) ? value : null;

    private static bool IsPrintableAscii(string value) => value.All(c => c is >= ' ' and <= '~');

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenInvalidAudienceException => "The token is not for this audience.",
        SecurityTokenInvalidIssuerException => "The token's issuer is not trusted.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not allowed.",
        SecurityTokenSignatureKeyNotFoundException => "The token is signed with an unknown key.",
        SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
        _ => "The token is not valid.",
    };
}
