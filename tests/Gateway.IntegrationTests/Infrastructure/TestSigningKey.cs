using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>An RSA key pair generated in the test, with its key id.</summary>
public sealed class TestSigningKey(string kid) : IDisposable
{
    public string Kid { get; } = kid;

    public RSA Rsa { get; } = RSA.Create(2048);

    public SigningCredentials Credentials => new(new RsaSecurityKey(Rsa) { KeyId = Kid }, SecurityAlgorithms.RsaSha256);

    public Dictionary<string, string> PublicJwk()
    {
        var parameters = Rsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = Kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    public void Dispose() => Rsa.Dispose();
}
