using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Gateway.IntegrationTests.Deploy;

/// <summary>Renders the repository's kustomizations with the real <c>kubectl kustomize</c>.</summary>
public static class Kustomize
{
    public static string DeployDirectory([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "deploy"));

    /// <summary>Every folder under deploy/ that holds a kustomization.yaml, relative to deploy/.</summary>
    public static IEnumerable<string> All() =>
        Directory.GetFiles(DeployDirectory(), "kustomization.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(DeployDirectory(), Path.GetDirectoryName(f)!))
            .Order(StringComparer.Ordinal);

    public static async Task<string> RenderAsync(string relativeDirectory)
    {
        var kubectl = new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("kubectl not found: install it (tests/run.sh installs Debian's kubernetes-client).");
        var info = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(Path.Combine(DeployDirectory(), relativeDirectory));
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {relativeDirectory} failed: {await errors}");
        return await output;
    }
}
