using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A PEM chain (leaf, then the CA) and its key, as a kubernetes.io/tls Secret holds them.</summary>
public sealed record TestCertificate(string ChainPem, string KeyPem, string Thumbprint)
{
    /// <summary>Writes <c>name.crt</c> and <c>name.key</c> into <paramref name="directory"/>; returns both paths.</summary>
    public (string Certificate, string Key) WriteFiles(string directory, string name)
    {
        var certificate = Path.Combine(directory, name + ".crt");
        var key = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificate, ChainPem);
        File.WriteAllText(key, KeyPem);
        return (certificate, key);
    }

    /// <summary>The kubernetes.io/tls Secret JSON holding this certificate.</summary>
    public JsonObject Secret(string ns, string name) => SecretJson(ns, name, ChainPem, KeyPem);

    public static JsonObject SecretJson(string ns, string name, string certificate, string key, string type = "kubernetes.io/tls") => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["type"] = type,
        ["data"] = new JsonObject
        {
            ["tls.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(certificate)),
            ["tls.key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(key)),
        },
    };
}
