using System.Collections.Frozen;
using Gateway.Model;

namespace Gateway.Headers;

/// <summary>
/// Every header name through which the gateway tells a backend who the caller is: the defaults of
/// <see cref="IdentityHeaders"/> plus the names any configured auth policy uses; and
/// <see cref="InferenceHeaders.ModelName"/>, which only the gateway sets, from the body. Rebuilt per model, ahead of the auth
/// stage, so a name is removed from client requests before any route sets it. Names are kept with <c>_</c> folded into
/// <c>-</c>, case-insensitively, because many backends read <c>X_Auth_Subject</c> as <c>X-Auth-Subject</c>.
/// </summary>
internal sealed class IdentityHeaderNames : IModelStage
{
    private const int StackNameLength = 128;

    private volatile FrozenSet<string> _names = Build(GatewayModel.Empty);

    public GatewayModel Applied { get; private set; } = GatewayModel.Empty;

    public IReadOnlyList<ModelProblem> Check(GatewayModel model) => [];

    public ValueTask ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        _names = Build(model);
        Applied = model;
        return ValueTask.CompletedTask;
    }

    /// <summary>True when <paramref name="name"/>, in any case and with <c>_</c> for <c>-</c>, is an identity header.</summary>
    public bool Contains(string name)
    {
        var names = _names;
        if (!name.Contains('_'))
        {
            return names.Contains(name);
        }

        var folded = name.Length <= StackNameLength ? stackalloc char[StackNameLength] : new char[name.Length];
        folded = folded[..name.Length];
        name.AsSpan().Replace(folded, '_', '-');
        return names.GetAlternateLookup<ReadOnlySpan<char>>().Contains(folded);
    }

    private static FrozenSet<string> Build(GatewayModel model)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Add(names, IdentityHeaders.Default);
        names.Add(InferenceHeaders.ModelName);
        foreach (var policy in model.AuthPolicies.Values)
        {
            Add(names, policy.Headers);
        }

        return names.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    private static void Add(HashSet<string> names, IdentityHeaders headers)
    {
        foreach (var name in (string[])[headers.Subject, headers.KeyId, headers.Tenant, headers.Plan])
        {
            if (name.Length > 0)
            {
                names.Add(name.Replace('_', '-'));
            }
        }
    }
}
