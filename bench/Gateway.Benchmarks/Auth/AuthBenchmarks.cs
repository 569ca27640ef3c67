using System.Security.Cryptography;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gateway.Auth;
using Gateway.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Benchmarks;

/// <summary>
/// The per-request cost of authenticating: an API key looked up among 10,000 configured keys, and a JWT (RS256) validated
/// in full (parse, signature, issuer, audience, lifetime, scope) or answered from the verdict cache.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AuthBenchmarks
{
    private const string Issuer = "https://idp.example";
    private const string Audience = "models";

    private readonly RSA _rsa = RSA.Create(2048);
    private ApiKeyAuthenticator _apiKeys = null!;
    private JwtAuthenticator _jwt = null!;
    private DefaultHttpContext _keyRequest = null!;
    private DefaultHttpContext _tokenRequest = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        var keys = new ApiKeyEntry[10_000];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new ApiKeyEntry { Id = $"key-{i}", Hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"secret-{i:D6}-abcdefghij"))), Tenant = "t" };
        }

        _apiKeys = new ApiKeyAuthenticator(new AuthPolicy { Name = "keys", Type = AuthPolicyType.ApiKey, ApiKey = new ApiKeyAuth { Keys = [.. keys] } });
        _keyRequest = new DefaultHttpContext();
        _keyRequest.Request.Headers["X-Api-Key"] = "secret-004242-abcdefghij";

        var parameters = _rsa.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "RSA", kid = "k1", use = "sig", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } },
        });
        var settings = new JwtAuth { Issuer = Issuer, Audiences = [Audience], Jwks = jwks, Scopes = ["predict"] };
        _jwt = new JwtAuthenticator(new AuthPolicy { Name = "jwt", Type = AuthPolicyType.Jwt, Jwt = settings }, SigningKeySources.Static(jwks), TimeProvider.System);
        _token = Token();
        _tokenRequest = new DefaultHttpContext();
        _tokenRequest.Request.Headers.Authorization = $"Bearer {_token}";
    }

    [GlobalCleanup]
    public void Cleanup() => _rsa.Dispose();

    [Benchmark(Baseline = true)]
    public bool ApiKey() => _apiKeys.AuthenticateAsync(_keyRequest).Result.Outcome == AuthOutcome.Allowed;

    /// <summary>A client resending its token: hash and verdict-cache hit.</summary>
    [Benchmark]
    public bool JwtCached() => _jwt.AuthenticateAsync(_tokenRequest).Result.Outcome == AuthOutcome.Allowed;

    /// <summary>What a cache miss costs: parse, RS256 signature, issuer, audience, lifetime and scope checks.</summary>
    [Benchmark]
    public bool JwtFullValidation() => _jwt.ValidateAsync(_token, default).Result.Outcome == AuthOutcome.Allowed;

    private string Token()
    {
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = DateTime.UtcNow.AddHours(2),
            Claims = new Dictionary<string, object> { ["sub"] = "user-1", ["scope"] = "predict" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });
    }
}
