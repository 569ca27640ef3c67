using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Gateway.IntegrationTests.Deploy;

/// <summary>Renders the repository's kustomizations with the real <c>kubectl kustomize</c>.</summary>
public static class Kustomize
{
    public static string DeployDirectory([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "deploy"));

    /// <summary>Every folder under deploy/ that holds a kustomization (not a component), relative to deploy/.</summary>
    public static IEnumerable<string> All() => Folders().Where(f => !IsComponent(f));

    /// <summary>Every kustomize component under deploy/, relative to deploy/: they render only on top of a kustomization.</summary>
    public static IEnumerable<string> Components() => Folders().Where(IsComponent);

    public static Task<string> RenderAsync(string relativeDirectory) => RunAsync(Path.Combine(DeployDirectory(), relativeDirectory), relativeDirectory);

    /// <summary>Renders deploy/base with <paramref name="components"/>, as an operator's overlay would.</summary>
    public static async Task<string> RenderOnBaseAsync(params string[] components)
    {
        var overlay = Directory.CreateTempSubdirectory("gateway-overlay-").FullName;
        try
        {
            // kustomize takes only relative paths to other kustomizations.
            string Relative(string folder) => Path.GetRelativePath(overlay, Path.Combine(DeployDirectory(), folder)).Replace('\\', '/');
            await File.WriteAllTextAsync(Path.Combine(overlay, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [ "{Relative("base")}" ]
                components: [ {string.Join(", ", components.Select(c => $"\"{Relative(c)}\""))} ]
                """);
            return await RunAsync(overlay, $"base with {string.Join(", ", components)}");
        }
        finally
        {
            Directory.Delete(overlay, recursive: true);
        }
    }

    private static IEnumerable<string> Folders() =>
        Directory.GetFiles(DeployDirectory(), "kustomization.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(DeployDirectory(), Path.GetDirectoryName(f)!))
            .Order(StringComparer.Ordinal);

    private static bool IsComponent(string folder) =>
        File.ReadLines(Path.Combine(DeployDirectory(), folder, "kustomization.yaml")).Any(l => l.Trim() == "kind: Component");

    private static async Task<string> RunAsync(string directory, string what)
    {
        var kubectl = new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("kubectl not found: install it (tests/run.sh installs Debian's kubernetes-client).");
        var info = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(directory);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {what} failed: {await errors}");
        return await output;
    }
}
