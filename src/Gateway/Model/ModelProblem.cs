namespace Gateway.Model;

/// <summary>One thing wrong with a configuration, named precisely enough to fix it.</summary>
/// <param name="Source">Where it was read, e.g. <c>appsettings.json</c>.</param>
/// <param name="Object">The object at fault, e.g. <c>route 'service-a'</c>.</param>
/// <param name="Field">The field path within it, e.g. <c>Matches[0].Path.Value</c>; empty for the object as a whole.</param>
internal sealed record ModelProblem(string Source, string Object, string Field, string Message)
{
    public override string ToString() => Field.Length == 0
        ? $"{Source}: {Object}: {Message}"
        : $"{Source}: {Object}, field '{Field}': {Message}";
}
