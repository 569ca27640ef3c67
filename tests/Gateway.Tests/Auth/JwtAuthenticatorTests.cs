using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Auth;
using Gateway.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Auth;

public sealed class JwtAuthenticatorTests : IDisposable
{
    private const string Issuer = "https://idp.example";
    private const string Audience = "models";

    private static readonly DateTime Start = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(Start));

    public void Dispose() => _rsa.Dispose();

    private JwtAuthenticator Authenticator(JwtAuth? settings = null)
    {
        var parameters = _rsa.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "RSA", kid = "k1", use = "sig", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } },
        });
        settings ??= new JwtAuth { Issuer = Issuer, Audiences = [Audience], Jwks = jwks };
        settings = settings with { Jwks = jwks };
        var policy = new AuthPolicy { Name = "jwt", Type = AuthPolicyType.Jwt, Jwt = settings };
        return new JwtAuthenticator(policy, SigningKeySources.Static(jwks), _time);
    }

    private string Token(DateTime? expires, DateTime? notBefore = null, Dictionary<string, object>? claims = null, string? subject = "user-1")
    {
        var payload = claims ?? [];
        if (subject is not null)
        {
            payload["sub"] = subject;
        }

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = expires,
            NotBefore = notBefore,
            Claims = payload,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });
    }

    private static async Task<AuthResult> Run(JwtAuthenticator authenticator, string token)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = $"bearer {token}";
        return await authenticator.AuthenticateAsync(context);
    }

    [Fact]
    public async Task Expiry_is_judged_by_the_injected_clock_with_the_configured_skew()
    {
        var authenticator = Authenticator(new JwtAuth { Issuer = Issuer, Audiences = [Audience], ClockSkew = TimeSpan.FromSeconds(30) });
        var token = Token(expires: Start.AddMinutes(5));

        Assert.Equal(AuthOutcome.Allowed, (await Run(authenticator, token)).Outcome);
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(29));
        Assert.Equal(AuthOutcome.Allowed, (await Run(authenticator, token)).Outcome);
        _time.Advance(TimeSpan.FromSeconds(2));
        var expired = await Run(authenticator, token);
        Assert.Equal(AuthOutcome.Invalid, expired.Outcome);
        Assert.Equal("The token expired.", expired.Error);
    }

    [Fact]
    public async Task Not_before_is_honoured_within_the_skew_only()
    {
        var authenticator = Authenticator(new JwtAuth { Issuer = Issuer, Audiences = [Audience], ClockSkew = TimeSpan.Zero });
        var token = Token(expires: Start.AddHours(1), notBefore: Start.AddSeconds(10));

        Assert.Equal("The token is not valid yet.", (await Run(authenticator, token)).Error);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(AuthOutcome.Allowed, (await Run(authenticator, token)).Outcome);
    }

    [Fact]
    public async Task A_token_without_expiry_or_subject_is_invalid()
    {
        var authenticator = Authenticator();
        Assert.Equal("The token has no expiry.", (await Run(authenticator, Token(expires: null))).Error);
        Assert.Equal("The token has no 'sub' claim.", (await Run(authenticator, Token(expires: Start.AddHours(1), subject: null))).Error);
    }

    [Fact]
    public async Task Required_claims_and_scopes_give_403_when_missing_and_identity_claims_fill_the_headers()
    {
        var authenticator = Authenticator(new JwtAuth
        {
            Issuer = Issuer,
            Audiences = [Audience],
            Scopes = ["predict"],
            Claims = new Dictionary<string, string> { ["groups"] = "ml" }.ToImmutableDictionary(),
            TenantClaim = "org",
            PlanClaim = "tier",
        });

        var noScope = await Run(authenticator, Token(Start.AddHours(1), claims: new() { ["groups"] = new[] { "ml" } }));
        Assert.Equal(AuthOutcome.Forbidden, noScope.Outcome);
        Assert.Equal("The token lacks scope 'predict'.", noScope.Error);

        var wrongGroup = await Run(authenticator, Token(Start.AddHours(1), claims: new() { ["scope"] = "predict", ["groups"] = new[] { "web", "ops" } }));
        Assert.Equal(AuthOutcome.Forbidden, wrongGroup.Outcome);

        var allowed = await Run(authenticator, Token(Start.AddHours(1), claims: new() { ["scope"] = "read predict", ["groups"] = new[] { "web", "ml" }, ["org"] = "acme", ["tier"] = "pro" }));
        Assert.Equal(AuthOutcome.Allowed, allowed.Outcome);
        Assert.Equal("user-1", allowed.Identity!.Subject);
        Assert.Null(allowed.Identity.KeyId);
        Assert.Equal("acme", allowed.Identity.Tenant);
        Assert.Equal("pro", allowed.Identity.Plan);
        Assert.Equal("sub:user-1", allowed.Identity.RateLimitKey);
    }

    [Fact]
    public async Task A_key_published_for_encryption_never_checks_a_signature()
    {
        var parameters = _rsa.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "RSA", kid = "k1", use = "enc", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } },
        });
        var policy = new AuthPolicy { Name = "jwt", Type = AuthPolicyType.Jwt, Jwt = new JwtAuth { Issuer = Issuer, Audiences = [Audience], Jwks = jwks } };
        var authenticator = new JwtAuthenticator(policy, SigningKeySources.Static(jwks), _time);

        var result = await Run(authenticator, Token(Start.AddHours(1)));
        Assert.Equal(AuthOutcome.Invalid, result.Outcome);
        Assert.Equal("The token is signed with an unknown key.", result.Error);
        Assert.Equal(AuthOutcome.Allowed, (await Run(Authenticator(), Token(Start.AddHours(1)))).Outcome);
    }

    [Fact]
    public async Task Missing_malformed_and_foreign_key_tokens()
    {
        var authenticator = Authenticator();
        Assert.Equal(AuthOutcome.Missing, (await authenticator.AuthenticateAsync(new DefaultHttpContext())).Outcome);
        Assert.Equal("The token is malformed.", (await Run(authenticator, "abc")).Error);

        using var other = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = Start.AddHours(1),
            NotBefore = Start.AddMinutes(-1),
            IssuedAt = Start.AddMinutes(-1),
            Claims = new Dictionary<string, object> { ["sub"] = "x" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(other) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });
        Assert.Equal("The token's signature is not valid.", (await Run(authenticator, forged)).Error);
    }
}
