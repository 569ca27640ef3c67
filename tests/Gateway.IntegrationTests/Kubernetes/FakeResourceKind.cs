namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// A kind the fake API server serves: its URL plural, group, the versions it is served at (the first is the one
/// objects are listed as), kind, and whether its objects live in namespaces.
/// </summary>
internal sealed record FakeResourceKind(string Plural, string Group, string[] Versions, string Kind, bool Namespaced = true)
{
    public string ApiVersion => Group.Length == 0 ? Versions[0] : $"{Group}/{Versions[0]}";

    public bool Matches(string group, string version, string plural) =>
        Group == group && Plural == plural && Versions.Contains(version);
}
