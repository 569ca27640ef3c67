using BenchmarkDotNet.Attributes;
using Gateway.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Gateway.Benchmarks;

/// <summary>
/// The per-request cost of the header rules that run before routing on every proxied request: every value checked for
/// control and non-ASCII characters, every name checked for underscores and against the identity header names. The
/// request carries the headers a typical API client sends, a ~600-character bearer token among them.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class HeaderGuardBenchmarks
{
    private RequestHeaderGuardMiddleware _guard = null!;
    private RequestHeaderGuardMiddleware _allowingUnderscores = null!;
    private DefaultHttpContext _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var names = new IdentityHeaderNames();
        _guard = new RequestHeaderGuardMiddleware(_ => Task.CompletedTask, names, Options.Create(new HeaderOptions()));
        _allowingUnderscores = new RequestHeaderGuardMiddleware(
            _ => Task.CompletedTask, names, Options.Create(new HeaderOptions { AllowUnderscores = true }));

        _request = new DefaultHttpContext();
        var headers = _request.Request.Headers;
        headers.Host = "models.example.com";
        headers.UserAgent = "python-requests/2.32.3";
        headers.Accept = "application/json";
        headers.AcceptEncoding = "gzip, deflate";
        headers.ContentType = "application/json";
        headers.ContentLength = 512;
        headers.Authorization = "Bearer " + new string('x', 600);
        headers["X-Request-Id"] = "3f2b8c1e-9a4d-4e7b-8c6a-1d2e3f4a5b6c";
        headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        headers["X-Gateway-Model-Name"] = "llama-3.1-8b";
    }

    [Benchmark(Baseline = true)]
    public Task Default() => _guard.InvokeAsync(_request);

    [Benchmark]
    public Task UnderscoresAllowed() => _allowingUnderscores.InvokeAsync(_request);
}
