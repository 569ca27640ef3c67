using Gateway.Tls;

namespace Gateway.Tests.Tls;

public sealed class SniTableTests
{
    private static readonly ServerCertificate A = Certificate("a.example.com");
    private static readonly ServerCertificate Wild = Certificate("wild.example.com");
    private static readonly ServerCertificate Fallback = Certificate("default");

    private static readonly SniTable Table = new(
        [KeyValuePair.Create("a.example.com", A), KeyValuePair.Create("*.example.com", Wild)],
        Fallback);

    [Theory]
    [InlineData("a.example.com", "a.example.com", "Exact")]
    [InlineData("A.Example.COM", "a.example.com", "Exact")]
    [InlineData("b.example.com", "wild.example.com", "Wildcard")]
    [InlineData("B.EXAMPLE.com", "wild.example.com", "Wildcard")]
    [InlineData("x.b.example.com", "default", "Default")]
    [InlineData("example.com", "default", "Default")]
    [InlineData("other.test", "default", "Default")]
    [InlineData("", "default", "Default")]
    [InlineData(null, "default", "Default")]
    public void Exact_host_then_one_label_wildcard_then_default(string? serverName, string expected, string expectedMatch)
    {
        var selected = Table.Select(serverName, out var match);

        Assert.Equal(expected, selected!.Name);
        Assert.Equal(expectedMatch, match.ToString());
    }

    [Fact]
    public void Without_a_default_an_unknown_name_gets_no_certificate()
    {
        var table = new SniTable([KeyValuePair.Create("a.example.com", A)], null);

        Assert.Null(table.Select("b.example.com", out var match));
        Assert.Equal(SniMatch.None, match);
        Assert.Same(A, table.Select("a.example.com", out _));
    }

    [Fact]
    public void A_later_binding_of_a_host_wins_whatever_its_case()
    {
        var table = new SniTable([KeyValuePair.Create("a.example.com", A), KeyValuePair.Create("A.EXAMPLE.COM", Wild)], null);

        Assert.Same(Wild, table.Select("a.example.com", out _));
    }

    [Fact]
    public void The_store_serves_the_table_swapped_in_last()
    {
        var store = new CertificateStore();
        Assert.Null(store.Current.Select("a.example.com", out _));

        store.Swap(Table);

        Assert.Same(A, store.Current.Select("a.example.com", out _));
    }

    private static ServerCertificate Certificate(string name)
    {
        var (certificate, key) = TestPem.SelfSigned(name == "default" ? "default.test" : name, ecdsa: true);
        return PemCertificateReader.TryRead(name, certificate, key, out _)!;
    }
}
