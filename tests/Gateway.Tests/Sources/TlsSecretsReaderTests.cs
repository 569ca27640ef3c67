using System.Text;
using Gateway.Model;
using Gateway.Sources.File;

namespace Gateway.Tests.Sources;

public sealed class TlsSecretsReaderTests
{
    private static SourceSnapshot Read(string json)
    {
        var config = JsonConfigFile.TryLoad(Encoding.UTF8.GetBytes(json), out var error);
        Assert.True(config is not null, error);
        return GatewayConfigReader.Read(config, "test.json", GatewayConfigReader.RoutingKeys);
    }

    [Fact]
    public void Reads_secret_bindings_and_the_https_redirect_of_a_route()
    {
        var snapshot = Read("""
        {
          "TlsSecrets": [ { "Hosts": [ "a.example.com", "*.models.test" ], "Secret": "models/a-tls" }, { "Secret": "models/default-tls" } ],
          "Routes": [ { "Name": "secure", "RedirectToHttps": true, "Backends": [ "a" ] } ],
          "Backends": { "a": { "Endpoints": [ "http://10.0.0.1:80" ] } }
        }
        """);

        Assert.Empty(snapshot.Problems);
        var bindings = snapshot.Model.TlsBindings;
        Assert.Equal(2, bindings.Length);
        Assert.Equal(["a.example.com", "*.models.test"], bindings[0].Hostnames.ToArray());
        Assert.Equal(("models", "a-tls", "test.json"), (bindings[0].SecretNamespace, bindings[0].SecretName, bindings[0].Source));
        Assert.True(bindings[1].Hostnames.IsEmpty);
        Assert.True(snapshot.Model.Routes[0].RedirectToHttps);
    }

    [Fact]
    public void A_bad_secret_reference_or_host_is_a_problem_naming_the_field()
    {
        var snapshot = Read("""
        { "TlsSecrets": [ { "Hosts": [ "a b.example.com" ], "Secret": "a-tls" }, { "Secret": "models/x", "Host": "typo" } ] }
        """);

        Assert.Contains("test.json: TLS secret #0, field 'Hosts': 'a b.example.com' is not a host name or a *.suffix wildcard", snapshot.Problems.Select(p => p.ToString()));
        Assert.Contains("test.json: TLS secret #0, field 'Secret': 'a-tls' is not 'namespace/name' of a Secret", snapshot.Problems.Select(p => p.ToString()));
        Assert.Contains(snapshot.Problems, p => p.Object == "TLS secret #1" && p.Field == "Host");
    }
}
