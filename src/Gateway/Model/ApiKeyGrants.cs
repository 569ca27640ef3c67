using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>
/// Adds the <see cref="GatewayModel.ApiKeyGrants"/> of a merged model to the ApiKey policies they name. A grant that
/// cannot join its policy (unknown policy, a JWT policy, an id or key the policy already has) is left out with a
/// warning naming its object, so one bad Secret never blocks the others or the configuration.
/// </summary>
internal static class ApiKeyGrants
{
    public static GatewayModel Fold(GatewayModel model, List<ModelProblem> warnings)
    {
        if (model.ApiKeyGrants.IsEmpty)
        {
            return model;
        }

        var added = new Dictionary<string, List<ApiKeyEntry>>(StringComparer.Ordinal);
        var ids = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var hashes = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var grant in model.ApiKeyGrants)
        {
            void Warn(string field, string message) =>
                warnings.Add(new ModelProblem(grant.Source, grant.Object, field, message + "; the key is not accepted until this is fixed"));

            if (!model.AuthPolicies.TryGetValue(grant.Policy, out var policy))
            {
                Warn(grant.PolicyField, $"policy '{grant.Policy}' is not defined in 'AuthPolicies'; defined ApiKey policies: {ApiKeyPolicies(model)}");
                continue;
            }

            if (policy.Type != AuthPolicyType.ApiKey || policy.ApiKey is null)
            {
                Warn(grant.PolicyField, $"policy '{grant.Policy}' is a {policy.Type} policy; keys can only be added to ApiKey policies ({ApiKeyPolicies(model)})");
                continue;
            }

            if (!ids.TryGetValue(policy.Name, out var policyIds))
            {
                ids[policy.Name] = policyIds = new HashSet<string>(policy.ApiKey.Keys.Select(k => k.Id), StringComparer.Ordinal);
                hashes[policy.Name] = new HashSet<string>(policy.ApiKey.Keys.Select(k => k.Hash), StringComparer.OrdinalIgnoreCase);
                added[policy.Name] = [];
            }

            if (policyIds.Contains(grant.Key.Id))
            {
                Warn(grant.IdField, $"key id '{grant.Key.Id}' is already used by another key of policy '{policy.Name}'; key ids must be unique per policy");
            }
            else if (!hashes[policy.Name].Add(grant.Key.Hash))
            {
                Warn(grant.KeyField, $"is the same key as another key of policy '{policy.Name}'; give every client its own key");
            }
            else
            {
                policyIds.Add(grant.Key.Id);
                added[policy.Name].Add(grant.Key);
            }
        }

        var policies = model.AuthPolicies.ToBuilder();
        foreach (var (name, keys) in added)
        {
            var policy = policies[name];
            policies[name] = policy with { ApiKey = policy.ApiKey! with { Keys = [.. policy.ApiKey.Keys, .. keys] } };
        }

        return model with { AuthPolicies = policies.ToImmutable(), ApiKeyGrants = [] };
    }

    private static string ApiKeyPolicies(GatewayModel model)
    {
        var names = model.AuthPolicies.Values.Where(p => p.Type == AuthPolicyType.ApiKey).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "(none)" : string.Join(", ", names);
    }
}
