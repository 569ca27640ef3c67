using BenchmarkDotNet.Attributes;
using Gateway.Paths;

namespace Gateway.Benchmarks;

/// <summary>
/// What path normalisation adds to every request. A path that is already normal (the common case, dots in model names
/// included) must report 0 B; one that needs rewriting allocates its new path, and one with kept escapes its raw form
/// for the backend.
/// </summary>
[MemoryDiagnoser]
public class PathPolicyBenchmarks
{
    [Benchmark(Baseline = true)]
    public object? NormalizePlainPath() => PathNormalizer.Normalize(PathNormalizer.PathOf("/v1/chat/completions"), mergeSlashes: true).Path;

    [Benchmark]
    public object? NormalizeDottedPath() => PathNormalizer.Normalize(PathNormalizer.PathOf("/models/llama-3.1-8b/v1/predict?variant=2.0"), mergeSlashes: true).Path;

    [Benchmark]
    public object? NormalizeMessyPath() => PathNormalizer.Normalize(PathNormalizer.PathOf("/api//v1/%61dmin/./x/../caf%c3%a9?q=1"), mergeSlashes: true).Path;

    [Benchmark]
    public string EncodeKeptEscapes() => PathEncoder.Encode("/files/caf%E9/a%2Fb");
}
