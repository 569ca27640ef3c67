using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Deploy;

/// <summary>
/// The Prometheus names of every instrument the gateway's code creates, read from src/Gateway and named as the
/// OpenTelemetry Prometheus exporter names them: dots become underscores, the unit is appended (<c>s</c> as
/// <c>_seconds</c>; a <c>{annotation}</c> unit adds nothing), counters end in <c>_total</c>, histograms are queried
/// through <c>_bucket</c>, <c>_sum</c> and <c>_count</c>. Read from the code, so an instrument that has not recorded
/// anything yet (a retry, a certificate) counts too.
/// </summary>
public static partial class ExportedMetrics
{
    private static readonly Dictionary<string, string> UnitSuffixes = new(StringComparer.Ordinal)
    {
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["By"] = "bytes",
    };

    /// <summary>Every series name a query may use, with the instrument each comes from.</summary>
    public static IReadOnlyDictionary<string, string> FromSource()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(SourceDirectory(), "*.cs", SearchOption.AllDirectories))
        {
            var code = File.ReadAllText(file);
            foreach (Match call in CreateCall().Matches(code))
            {
                var kind = call.Groups["kind"].Value;
                var arguments = Arguments(code, call.Index + call.Length);
                var where = $"{Path.GetFileName(file)}: Create{kind}({string.Join(", ", arguments)})";
                var name = Literal(arguments[0]) ?? throw new InvalidOperationException($"{where}: the instrument name is not a string literal");
                foreach (var series in Series(kind, name, Unit(kind, arguments, where)))
                {
                    names[series] = name;
                }
            }
        }

        return names;
    }

    private static IEnumerable<string> Series(string kind, string name, string? unit)
    {
        var prometheus = name.Replace('.', '_');
        // A dimensionless unit ("1") gets no suffix from this exporter (a live scrape checks it).
        if (unit == "1")
        {
            unit = null;
        }

        if (unit is not null && !unit.StartsWith('{'))
        {
            var suffix = UnitSuffixes.TryGetValue(unit, out var word) ? word : throw new InvalidOperationException($"instrument '{name}': unit '{unit}' has no known Prometheus suffix; add it here as the exporter names it");
            prometheus = prometheus.EndsWith("_" + suffix, StringComparison.Ordinal) ? prometheus : $"{prometheus}_{suffix}";
        }

        return kind switch
        {
            "Counter" or "ObservableCounter" => [prometheus.EndsWith("_total", StringComparison.Ordinal) ? prometheus : prometheus + "_total"],
            "Histogram" => [prometheus + "_bucket", prometheus + "_sum", prometheus + "_count"],
            _ => [prometheus],
        };
    }

    // Create<Kind>(name, unit, description) or CreateObservable<Kind>(name, callback, unit, description), each argument
    // maybe named.
    private static string? Unit(string kind, List<string> arguments, string where)
    {
        var named = arguments.FirstOrDefault(a => a.StartsWith("unit:", StringComparison.Ordinal));
        if (named is not null)
        {
            return Literal(named["unit:".Length..].Trim()) ?? throw new InvalidOperationException($"{where}: the unit is not a string literal");
        }

        // An observable instrument's callback comes right after the name, as a lambda or a method group.
        var positional = arguments.Skip(kind.StartsWith("Observable", StringComparison.Ordinal) ? 2 : 1).FirstOrDefault(a => !a.Contains("=>", StringComparison.Ordinal) && !NamedArgument().IsMatch(a));
        return positional is null ? null : Literal(positional) ?? throw new InvalidOperationException($"{where}: the unit is not a string literal");
    }

    private static string? Literal(string argument) =>
        argument.Length >= 2 && argument[0] == '"' && argument[^1] == '"' ? argument[1..^1] : null;

    /// <summary>The top-level arguments of the call whose argument list starts at <paramref name="start"/>, trimmed.</summary>
    private static List<string> Arguments(string code, int start)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        for (var i = start; i < code.Length; i++)
        {
            var c = code[i];
            if (c == '"')
            {
                var end = i + 1;
                while (code[end] != '"')
                {
                    end += code[end] == '\\' ? 2 : 1;
                }

                current.Append(code, i, end - i + 1);
                i = end;
                continue;
            }

            if (depth == 0 && (c == ',' || c == ')'))
            {
                arguments.Add(current.ToString().Trim());
                current.Clear();
                if (c == ')')
                {
                    return arguments;
                }

                continue;
            }

            depth += c is '(' or '[' or '{' ? 1 : c is ')' or ']' or '}' ? -1 : 0;
            current.Append(c);
        }

        throw new InvalidOperationException("an instrument creation call is not closed");
    }

    private static string SourceDirectory([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "src", "Gateway"));

    [GeneratedRegex(@"\.Create(?<kind>Counter|Histogram|UpDownCounter|ObservableCounter|ObservableGauge|ObservableUpDownCounter)(?:<[^>(]*>)?\(")]
    private static partial Regex CreateCall();

    [GeneratedRegex(@"^[A-Za-z]+\s*:")]
    private static partial Regex NamedArgument();
}
