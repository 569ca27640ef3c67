using System.Collections.Immutable;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Model;

/// <summary>Checks every field of an auth policy; part of <see cref="Validation.ModelValidator"/>.</summary>
internal static class AuthPolicyValidator
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);

    public static void Validate(AuthPolicy policy, List<ModelProblem> problems)
    {
        var obj = $"auth policy '{policy.Name}'";
        void Problem(string field, string message) => problems.Add(new ModelProblem(policy.Source, obj, field, message));

        if (string.IsNullOrWhiteSpace(policy.Name))
        {
            Problem("Name", "is required");
        }
        else if (string.Equals(policy.Name, AuthPolicy.None, StringComparison.OrdinalIgnoreCase))
        {
            Problem("Name", $"'{AuthPolicy.None}' is reserved: a route naming it is open to anonymous callers");
        }
        else if (!policy.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            // The name is the realm of WWW-Authenticate challenges and a metric label.
            Problem("Name", $"'{policy.Name}' may only contain letters, digits, '-', '_' and '.'");
        }

        ValidateHeaderName(policy.Headers.Subject, "Headers.Subject", Problem);
        ValidateHeaderName(policy.Headers.KeyId, "Headers.KeyId", Problem);
        ValidateHeaderName(policy.Headers.Tenant, "Headers.Tenant", Problem);
        ValidateHeaderName(policy.Headers.Plan, "Headers.Plan", Problem);

        switch (policy.Type)
        {
            case null:
                Problem("Type", "is required: ApiKey or Jwt");
                break;
            case AuthPolicyType.ApiKey when policy.ApiKey is null:
                Problem("ApiKey", "is required when Type is ApiKey: { \"Keys\": [ { \"Id\": ..., \"Hash\": <sha-256 hex> } ] }");
                break;
            case AuthPolicyType.Jwt when policy.Jwt is null:
                Problem("Jwt", "is required when Type is Jwt: { \"Issuer\": ..., \"Audiences\": [...], \"Discovery\": <url> }");
                break;
        }

        if (policy.ApiKey is { } apiKey)
        {
            if (policy.Type is { } type && type != AuthPolicyType.ApiKey)
            {
                Problem("ApiKey", $"is only allowed when Type is ApiKey, not {policy.Type}");
            }

            ValidateApiKey(apiKey, Problem);
        }

        if (policy.Jwt is { } jwt)
        {
            if (policy.Type is { } type && type != AuthPolicyType.Jwt)
            {
                Problem("Jwt", $"is only allowed when Type is Jwt, not {policy.Type}");
            }

            ValidateJwt(jwt, Problem);
        }
    }

    private static void ValidateApiKey(ApiKeyAuth apiKey, Action<string, string> problem)
    {
        if (apiKey.Header.Length > 0 && !IsToken(apiKey.Header))
        {
            problem("ApiKey.Header", $"'{apiKey.Header}' is not a valid header name");
        }

        if (apiKey.QueryParameter is { Length: 0 })
        {
            problem("ApiKey.QueryParameter", "is empty; name the query parameter or remove the field");
        }

        if (apiKey.Header.Length == 0 && !apiKey.Bearer && apiKey.QueryParameter is null)
        {
            problem("ApiKey", "reads the key from nowhere: set Header, Bearer or QueryParameter");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < apiKey.Keys.Length; i++)
        {
            var key = apiKey.Keys[i];
            var field = $"ApiKey.Keys[{i}]";
            if (string.IsNullOrWhiteSpace(key.Id))
            {
                problem($"{field}.Id", "is required: it names the key in identity headers, logs and rate limits");
            }
            else if (!ids.Add(key.Id))
            {
                problem($"{field}.Id", $"'{key.Id}' is used by another key of this policy");
            }

            if (!IsSha256Hex(key.Hash))
            {
                problem($"{field}.Hash", "must be the key's SHA-256 as 64 hex digits (printf %s \"$KEY\" | sha256sum), never the key itself");
            }
            else if (!hashes.Add(key.Hash))
            {
                problem($"{field}.Hash", "is the hash of another key of this policy");
            }

            ValidateHeaderValue(key.Id, $"{field}.Id", problem);
            ValidateHeaderValue(key.Tenant, $"{field}.Tenant", problem);
            ValidateHeaderValue(key.Plan, $"{field}.Plan", problem);
        }
    }

    private static void ValidateJwt(JwtAuth jwt, Action<string, string> problem)
    {
        var sources = (jwt.Discovery is null ? 0 : 1) + (jwt.Jwks is null ? 0 : 1) + (jwt.JwksFile is null ? 0 : 1);
        if (sources != 1)
        {
            problem("Jwt", $"names {sources} key sources; set exactly one of Discovery (OIDC discovery URL), Jwks (inline JWKS) or JwksFile");
        }

        if (jwt.Discovery is { } discovery)
        {
            if (!Uri.TryCreate(discovery, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                problem("Jwt.Discovery", $"'{discovery}' is not an absolute http(s) URL such as https://idp.example.com/.well-known/openid-configuration");
            }
            else if (jwt.RequireHttps && uri.Scheme != "https")
            {
                problem("Jwt.Discovery", $"'{discovery}' is not https; keys fetched in clear text can be replaced (set RequireHttps false only for tests)");
            }
        }
        else if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            problem("Jwt.Issuer", "is required with a static JWKS (only a discovery document can supply it)");
        }

        if (jwt.Jwks is { } jwks && ParseJwks(jwks) is { } jwksError)
        {
            problem("Jwt.Jwks", jwksError);
        }

        if (jwt.JwksFile is { Length: 0 })
        {
            problem("Jwt.JwksFile", "is empty; give the path of a JWKS file");
        }

        if (jwt.Audiences.IsEmpty)
        {
            problem("Jwt.Audiences", "is required: a token issued for another service must not be accepted here");
        }

        ValidateNonEmpty(jwt.Audiences, "Jwt.Audiences", problem);
        if (jwt.ClockSkew is { } skew && (skew < TimeSpan.Zero || skew > MaxClockSkew))
        {
            problem("Jwt.ClockSkew", $"is {skew}; it must be between 0 and {MaxClockSkew.TotalMinutes} minutes");
        }

        if (jwt.RefreshInterval is { } refresh && refresh < MinRefreshInterval)
        {
            problem("Jwt.RefreshInterval", $"is {refresh}; it must be at least 1s so unknown key ids cannot hammer the identity provider");
        }

        for (var i = 0; i < jwt.Algorithms.Length; i++)
        {
            if (!JwtAuth.DefaultAlgorithms.Contains(jwt.Algorithms[i]))
            {
                problem($"Jwt.Algorithms[{i}]", $"'{jwt.Algorithms[i]}' is not allowed; use asymmetric algorithms only: {string.Join(", ", JwtAuth.DefaultAlgorithms)}");
            }
        }

        ValidateNonEmpty(jwt.Scopes, "Jwt.Scopes", problem);
        for (var i = 0; i < jwt.Scopes.Length; i++)
        {
            if (jwt.Scopes[i].Contains(' ', StringComparison.Ordinal))
            {
                problem($"Jwt.Scopes[{i}]", $"'{jwt.Scopes[i]}' contains a space; list each scope separately");
            }
            else if (jwt.Scopes[i].Any(c => c is < '!' or > '~' or '"' or '\\'))
            {
                // RFC 6749 scope-token characters; the scopes are quoted in the 403 challenge.
                problem($"Jwt.Scopes[{i}]", $"'{jwt.Scopes[i]}' may only contain printable ASCII other than '\"' and '\\'");
            }
        }

        foreach (var (name, _) in jwt.Claims)
        {
            if (name.Length == 0)
            {
                problem("Jwt.Claims", "has an empty claim name");
            }
        }

        if (string.IsNullOrWhiteSpace(jwt.SubjectClaim))
        {
            problem("Jwt.SubjectClaim", "is empty; name the claim that identifies the caller (default sub)");
        }
    }

    /// <summary>Null when <paramref name="json"/> is a JWKS with at least one key; otherwise why not.</summary>
    public static string? ParseJwks(string json)
    {
        try
        {
            var set = new JsonWebKeySet(json);
            return set.Keys.Count == 0 ? "holds no keys" : null;
        }
        catch (ArgumentException ex)
        {
            return $"is not a JWKS document: {ex.Message}";
        }
    }

    private static void ValidateNonEmpty(ImmutableArray<string> values, string field, Action<string, string> problem)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                problem($"{field}[{i}]", "is empty");
            }
        }
    }

    private static void ValidateHeaderName(string name, string field, Action<string, string> problem)
    {
        if (name.Length > 0 && !IsToken(name))
        {
            problem(field, $"'{name}' is not a valid header name (empty sends no header)");
        }
    }

    private static void ValidateHeaderValue(string? value, string field, Action<string, string> problem)
    {
        if (value is not null && value.Any(c => c < ' ' || c > '~'))
        {
            problem(field, "must be printable ASCII: it is sent to the backend in a header");
        }
    }

    private static bool IsSha256Hex(string hash) => hash.Length == 64 && hash.All(char.IsAsciiHexDigit);

    // RFC 9110 token characters.
    private static bool IsToken(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}
