using Gateway.Tls;

namespace Gateway.Tests.Tls;

public sealed class TlsHostNameTests
{
    [Theory]
    [InlineData("a.example.com", true)]
    [InlineData("*.example.com", true)]
    [InlineData("localhost", true)]
    [InlineData("*", false)]
    [InlineData("a.*.example.com", false)]
    [InlineData("a..example.com", false)]
    [InlineData(".example.com", false)]
    [InlineData("a example.com", false)]
    [InlineData("", false)]
    public void Accepts_dns_names_and_one_label_wildcards(string host, bool valid) =>
        Assert.Equal(valid, TlsHostName.IsValid(host));
}
