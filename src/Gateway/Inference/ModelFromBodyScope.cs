using System.Collections.Frozen;
using Gateway.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Inference;

/// <summary>
/// The paths whose bodies are read for the model, as one applied model decides them: the configured paths, and the paths of
/// routes that ask for it (<see cref="RouteModel.ModelFromBody"/> or a <see cref="RouteModel.ModelCanary"/>). Extraction runs
/// before route matching, so it cannot ask the matched route; it asks this set instead. Also holds the model names the
/// routes know, so reading a known name allocates no string. Immutable.
/// </summary>
internal sealed class ModelFromBodyScope
{
    private readonly FrozenSet<string> _exactPaths;
    private readonly string[] _prefixes;

    private ModelFromBodyScope(FrozenSet<string> exactPaths, string[] prefixes, FrozenSet<string> knownNames)
    {
        _exactPaths = exactPaths;
        _prefixes = prefixes;
        KnownNames = knownNames;
    }

    /// <summary>Model names that route matches and model canaries name.</summary>
    public FrozenSet<string> KnownNames { get; }

    public static ModelFromBodyScope Build(IEnumerable<string> configuredPaths, GatewayModel model)
    {
        var exact = new HashSet<string>(configuredPaths, StringComparer.Ordinal);
        var prefixes = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in model.Routes)
        {
            foreach (var match in route.Matches)
            {
                foreach (var header in match.Headers)
                {
                    if (header.Type == ValueMatchType.Exact && string.Equals(header.Name, InferenceHeaders.ModelName, StringComparison.OrdinalIgnoreCase))
                    {
                        names.Add(header.Value);
                    }
                }

                if (route.ModelFromBody || route.ModelCanary is not null)
                {
                    // Regular expressions are refused with ModelFromBody by validation; a prefix covers the paths under it.
                    (match.Path.Type == PathMatchType.Exact ? (ICollection<string>)exact : prefixes).Add(match.Path.Value);
                }
            }

            if (route.ModelCanary is { } canary)
            {
                foreach (var variant in canary.Variants)
                {
                    names.Add(variant.Model);
                }
            }
        }

        return new ModelFromBodyScope(exact.ToFrozenSet(StringComparer.Ordinal), [.. prefixes.Distinct(StringComparer.Ordinal)], names.ToFrozenSet(StringComparer.Ordinal));
    }

    /// <summary>Whether <paramref name="path"/> (normalised) is one whose body is read.</summary>
    public bool Covers(PathString path)
    {
        var value = path.Value ?? "";
        if (_exactPaths.Contains(value))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (IsUnder(value, prefix))
            {
                return true;
            }
        }

        return false;
    }

    // Segment-aware, as route prefixes match: /v1 covers /v1 and /v1/x, not /v10.
    private static bool IsUnder(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal)
        && (path.Length == prefix.Length || prefix.EndsWith('/') || path[prefix.Length] == '/');
}
