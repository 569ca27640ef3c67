using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Sources.Kubernetes.Annotations;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Turns the API-key Secrets into <see cref="ApiKeyGrant"/>s for the policies they name; the model store adds them to
/// those policies (declared in configuration). A Secret with a problem is left out with a warning naming its field,
/// and the other keys keep working.
/// </summary>
internal sealed class ApiKeySecretProcessor
{
    public const string Source = "kubernetes api-key secrets";

    private static readonly string PolicyField = MlGatewayAnnotations.Field(MlGatewayAnnotations.AuthPolicy);

    private ApiKeySecret[] _lastInput = [];
    private SourceSnapshot? _last;

    /// <summary>The snapshot of <paramref name="secrets"/>; the previous one itself when no Secret changed.</summary>
    public SourceSnapshot Build(IEnumerable<ApiKeySecret> secrets)
    {
        var input = secrets.OrderBy(s => s.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(s => s.Metadata.Name, StringComparer.Ordinal).ToArray();
        if (_last is not null && input.SequenceEqual(_lastInput, ReferenceEqualityComparer.Instance))
        {
            return _last;
        }

        var grants = ImmutableArray.CreateBuilder<ApiKeyGrant>();
        var warnings = ImmutableArray.CreateBuilder<ModelProblem>();
        foreach (var secret in input)
        {
            var problems = new List<ModelProblem>();
            void Problem(string field, string message) =>
                problems.Add(new ModelProblem(Source, secret.Object, field, message + "; the key is not accepted until this is fixed"));

            if (secret.KeyError is { } keyError)
            {
                Problem(ApiKeySecret.Field(ApiKeySecret.KeyField), secret.DataKeys.Count == 0 || secret.DataKeys.Contains(ApiKeySecret.KeyField)
                    ? keyError
                    : $"{keyError}; the Secret has data keys {string.Join(", ", secret.DataKeys)}");
            }

            var policies = ImmutableArray<string>.Empty;
            if (secret.Policies is null)
            {
                Problem(PolicyField, "is missing: name the ApiKey policy (declared in AuthPolicies) this key belongs to");
            }
            else if (ServiceAnnotations.ReadAuthPolicies(secret.Policies, out var error) is not { } names)
            {
                Problem(PolicyField, error!);
            }
            else if (names.IsEmpty)
            {
                Problem(PolicyField, $"is '{AuthPolicy.None}'; name the ApiKey policy this key belongs to");
            }
            else
            {
                policies = names;
            }

            CheckText(secret.Id, ApiKeySecret.IdField, Problem);
            CheckText(secret.Tenant, ApiKeySecret.TenantField, Problem);
            CheckText(secret.Plan, ApiKeySecret.PlanField, Problem);
            if (problems.Count > 0)
            {
                warnings.AddRange(problems);
                continue;
            }

            var id = secret.Id ?? $"{secret.Metadata.NamespaceProperty}/{secret.Metadata.Name}";
            var key = new ApiKeyEntry { Id = id, Hash = secret.Hash!, Tenant = secret.Tenant, Plan = secret.Plan };
            foreach (var policy in policies)
            {
                grants.Add(new ApiKeyGrant(
                    policy,
                    key,
                    Source,
                    secret.Object,
                    PolicyField,
                    ApiKeySecret.Field(ApiKeySecret.KeyField),
                    secret.Id is null ? $"metadata.name (the key id defaults to '{id}')" : ApiKeySecret.Field(ApiKeySecret.IdField)));
            }
        }

        _lastInput = input;
        return _last = new SourceSnapshot(Source, new GatewayModel { ApiKeyGrants = grants.ToImmutable() }, []) { Warnings = warnings.ToImmutable() };
    }

    // Id, tenant and plan are sent to the backend in headers and appear in logs and metrics.
    private static void CheckText(string? value, string field, Action<string, string> problem)
    {
        if (value is not null && value.Any(c => c is < ' ' or > '~'))
        {
            problem(ApiKeySecret.Field(field), "must be printable ASCII: it is sent to the backend in a header");
        }
    }
}
