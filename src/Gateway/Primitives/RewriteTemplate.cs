using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Primitives;

/// <summary>
/// A replacement path with <c>$1</c>..<c>$9</c> standing for groups captured by a regular expression, as in nginx's
/// <c>rewrite</c> (ingress-nginx <c>rewrite-target</c>). Parsed once; expanding it only copies strings.
/// </summary>
internal sealed class RewriteTemplate
{
    // Literal text (Group -1) or the number of a captured group.
    private readonly (string Literal, int Group)[] _parts;

    private RewriteTemplate((string, int)[] parts, int highestGroup)
    {
        _parts = parts;
        HighestGroup = highestGroup;
    }

    /// <summary>The largest group number the template uses; 0 when it uses none.</summary>
    public int HighestGroup { get; }

    public static RewriteTemplate Parse(string template)
    {
        var parts = new List<(string, int)>();
        var literal = new StringBuilder();
        var highest = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '$' && i + 1 < template.Length && char.IsAsciiDigit(template[i + 1]))
            {
                if (literal.Length > 0)
                {
                    parts.Add((literal.ToString(), -1));
                    literal.Clear();
                }

                var group = template[i + 1] - '0';
                highest = Math.Max(highest, group);
                parts.Add(("", group));
                i++;
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add((literal.ToString(), -1));
        }

        return new RewriteTemplate([.. parts], highest);
    }

    /// <summary>The template with the groups of <paramref name="match"/>; a group that did not take part is empty.</summary>
    public string Expand(Match match)
    {
        if (_parts.Length == 1 && _parts[0].Group < 0)
        {
            return _parts[0].Literal;
        }

        var length = 0;
        foreach (var (literal, group) in _parts)
        {
            length += group < 0 ? literal.Length : match.Groups[group].Length;
        }

        return string.Create(length, (this, match), static (span, state) =>
        {
            foreach (var (literal, group) in state.Item1._parts)
            {
                var text = group < 0 ? literal.AsSpan() : state.match.Groups[group].ValueSpan;
                text.CopyTo(span);
                span = span[text.Length..];
            }
        });
    }

    public override string ToString() => string.Concat(_parts.Select(p => p.Group < 0 ? p.Literal : "$" + p.Group.ToString(CultureInfo.InvariantCulture)));
}
