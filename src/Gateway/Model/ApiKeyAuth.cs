using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>Where an API key is read from and which keys are valid.</summary>
internal sealed record ApiKeyAuth
{
    public const string DefaultHeader = "X-Api-Key";

    /// <summary>Request header holding the key; empty disables it.</summary>
    public string Header { get; init; } = DefaultHeader;

    /// <summary>Whether <c>Authorization: Bearer &lt;key&gt;</c> is accepted too.</summary>
    public bool Bearer { get; init; } = true;

    /// <summary>Query parameter holding the key; null (the default) does not read the query.</summary>
    public string? QueryParameter { get; init; }

    public ImmutableArray<ApiKeyEntry> Keys { get; init; } = [];
}
