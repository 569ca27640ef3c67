namespace Gateway.Model;

/// <summary>
/// An API key that a source other than the policy's own (a Kubernetes Secret) adds to an ApiKey policy declared in
/// configuration. Grants are folded into their policies after all sources are merged (<see cref="ApiKeyGrants"/>).
/// </summary>
/// <param name="Policy">The auth policy the key belongs to.</param>
/// <param name="Key">The key, by hash only.</param>
/// <param name="Source">The source that contributed it.</param>
/// <param name="Object">The object it came from, e.g. <c>Secret 'models/key-alice'</c>.</param>
/// <param name="PolicyField">Where <paramref name="Object"/> names the policy, for problems about it.</param>
/// <param name="KeyField">Where <paramref name="Object"/> holds the key, for problems about it.</param>
/// <param name="IdField">Where <paramref name="Object"/> sets the key id (or what the id defaults to), for problems about it.</param>
internal sealed record ApiKeyGrant(string Policy, ApiKeyEntry Key, string Source, string Object, string PolicyField, string KeyField, string IdField);
