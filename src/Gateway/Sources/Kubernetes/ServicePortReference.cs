namespace Gateway.Sources.Kubernetes;

/// <summary>A Service port as objects refer to it: by number, by name, or (both null) the Service's only port.</summary>
internal sealed record ServicePortReference(int? Number, string? Name)
{
    public static ServicePortReference OnlyPort { get; } = new(null, null);

    public override string ToString() => Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Name ?? "(only port)";
}
