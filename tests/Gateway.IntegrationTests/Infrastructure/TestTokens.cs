using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Mints JWTs for tests: properly signed ones, and the forgeries a gateway must refuse.</summary>
public static class TestTokens
{
    private static readonly JsonWebTokenHandler Handler = new();

    public static string Create(
        TestSigningKey key,
        string issuer,
        string audience,
        string subject = "user-1",
        DateTime? expires = null,
        DateTime? notBefore = null,
        IDictionary<string, object>? claims = null)
    {
        var now = DateTime.UtcNow;
        var payload = new Dictionary<string, object>(claims ?? new Dictionary<string, object>()) { ["sub"] = subject };
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = payload,
            IssuedAt = (notBefore ?? now).AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = key.Credentials,
        });
    }

    /// <summary>A token with <c>alg: none</c> and no signature.</summary>
    public static string Unsigned(string issuer, string audience, string subject = "attacker") =>
        $"{Part(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" })}.{Part(Claims(issuer, audience, subject))}.";

    /// <summary>
    /// The key-confusion forgery: HS256 "signed" with the RSA public key's published JWK text as the HMAC secret,
    /// under the RSA key's kid, hoping the verifier uses the public key as a shared secret.
    /// </summary>
    public static string HmacWithPublicKey(TestSigningKey key, string issuer, string audience, string subject = "attacker")
    {
        var header = Part(new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = key.Kid });
        var body = Part(Claims(issuer, audience, subject));
        var secret = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(key.PublicJwk()));
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes($"{header}.{body}"));
        return $"{header}.{body}.{Base64UrlEncoder.Encode(signature)}";
    }

    private static Dictionary<string, object> Claims(string issuer, string audience, string subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, object> { ["iss"] = issuer, ["aud"] = audience, ["sub"] = subject, ["nbf"] = now - 60, ["exp"] = now + 600 };
    }

    private static string Part(Dictionary<string, object> value) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));
}
