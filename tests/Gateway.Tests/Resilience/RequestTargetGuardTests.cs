using Gateway.Resilience;

namespace Gateway.Tests.Resilience;

public sealed class RequestTargetGuardTests
{
    [Theory]
    [InlineData("/service-a/x")]
    [InlineData("/models/llama-3.1/predict")]
    [InlineData("/a/.well-known/x")]
    [InlineData("/a/...")]
    [InlineData("/a/x?next=/../admin&v=%2e%2e")]
    [InlineData("/a/b%20c")]
    public void Ordinary_targets_pass(string target) => Assert.True(RequestTargetGuardMiddleware.IsClean(target));

    [Theory]
    [InlineData("/service-a/../admin")]
    [InlineData("/service-a/..")]
    [InlineData("/service-a/./x")]
    [InlineData("/service-a/%2e%2e/admin")]
    [InlineData("/service-a/%2E%2E%2Fadmin")]
    [InlineData("/service-a/..%2fadmin")]
    [InlineData("/service-a/..%5Cadmin")]
    public void Dot_segments_and_encoded_separators_are_refused(string target) => Assert.False(RequestTargetGuardMiddleware.IsClean(target));
}
