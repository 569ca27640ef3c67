using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Validation;
using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>Reads the <c>AuthPolicies</c> dictionary (policy name to settings); values are checked by <see cref="ModelValidator"/>.</summary>
internal static class AuthPolicyReader
{
    public static ImmutableDictionary<string, AuthPolicy> ReadAll(ConfigFieldReader reader, IConfigurationSection section)
    {
        var policies = ImmutableDictionary.CreateBuilder<string, AuthPolicy>(StringComparer.Ordinal);
        foreach (var item in section.GetChildren())
        {
            policies[item.Key] = Read(reader, item);
        }

        return policies.ToImmutable();
    }

    /// <summary>A route's <c>AuthPolicy</c>: one name, or an array of names of which any one suffices.</summary>
    public static ImmutableArray<string> ReadRouteField(ConfigFieldReader reader, IConfigurationSection route, string obj)
    {
        var names = reader.Strings(route, "AuthPolicy", obj, "");
        return names.Count == 1 && string.Equals(names[0], AuthPolicy.None, StringComparison.OrdinalIgnoreCase) ? [] : [.. names];
    }

    private static AuthPolicy Read(ConfigFieldReader reader, IConfigurationSection section)
    {
        var obj = $"auth policy '{section.Key}'";
        reader.RejectUnknownKeys(section, obj, "", "Type", "ApiKey", "Jwt", "ForwardCredentials", "Headers");
        var type = reader.Enum<AuthPolicyType>(section, "Type", obj, "");
        return new AuthPolicy
        {
            Name = section.Key,
            Source = reader.Source,
            Type = type,

            // An ApiKey policy whose keys all come from Kubernetes Secrets needs no ApiKey block ("ApiKey": {} is absent to IConfiguration).
            ApiKey = ReadApiKey(reader, section.GetSection("ApiKey"), obj) ?? (type == AuthPolicyType.ApiKey ? new ApiKeyAuth() : null),
            Jwt = ReadJwt(reader, section.GetSection("Jwt"), obj),
            ForwardCredentials = reader.Bool(section, "ForwardCredentials", obj, "") ?? false,
            Headers = ReadHeaders(reader, section.GetSection("Headers"), obj),
        };
    }

    private static IdentityHeaders ReadHeaders(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        if (!section.Exists())
        {
            return IdentityHeaders.Default;
        }

        const string field = "Headers";
        reader.RejectUnknownKeys(section, obj, field, "Subject", "KeyId", "Tenant", "Plan");
        var defaults = IdentityHeaders.Default;
        return new IdentityHeaders
        {
            Subject = reader.String(section, "Subject", obj, field) ?? defaults.Subject,
            KeyId = reader.String(section, "KeyId", obj, field) ?? defaults.KeyId,
            Tenant = reader.String(section, "Tenant", obj, field) ?? defaults.Tenant,
            Plan = reader.String(section, "Plan", obj, field) ?? defaults.Plan,
        };
    }

    private static ApiKeyAuth? ReadApiKey(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        if (!section.Exists())
        {
            return null;
        }

        const string field = "ApiKey";
        reader.RejectUnknownKeys(section, obj, field, "Header", "Bearer", "QueryParameter", "Keys");
        var keys = ImmutableArray.CreateBuilder<ApiKeyEntry>();
        foreach (var item in ConfigFieldReader.Items(section, "Keys"))
        {
            var itemField = ConfigFieldReader.Join(field, "Keys", item.Key);
            reader.RejectUnknownKeys(item, obj, itemField, "Id", "Hash", "Tenant", "Plan");
            keys.Add(new ApiKeyEntry
            {
                Id = reader.String(item, "Id", obj, itemField) ?? "",
                Hash = reader.String(item, "Hash", obj, itemField) ?? "",
                Tenant = reader.String(item, "Tenant", obj, itemField),
                Plan = reader.String(item, "Plan", obj, itemField),
            });
        }

        return new ApiKeyAuth
        {
            Header = reader.String(section, "Header", obj, field) ?? ApiKeyAuth.DefaultHeader,
            Bearer = reader.Bool(section, "Bearer", obj, field) ?? true,
            QueryParameter = reader.String(section, "QueryParameter", obj, field),
            Keys = keys.ToImmutable(),
        };
    }

    private static JwtAuth? ReadJwt(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        if (!section.Exists())
        {
            return null;
        }

        const string field = "Jwt";
        reader.RejectUnknownKeys(section, obj, field, "Issuer", "Audiences", "Discovery", "Jwks", "JwksFile", "RequireHttps", "ClockSkew",
            "RefreshInterval", "Algorithms", "Scopes", "Claims", "SubjectClaim", "TenantClaim", "PlanClaim");
        var claims = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var claim in section.GetSection("Claims").GetChildren())
        {
            if (claim.Value is null)
            {
                reader.Problem(obj, $"{field}.Claims.{claim.Key}", "must be a string value");
                continue;
            }

            claims[claim.Key] = claim.Value;
        }

        return new JwtAuth
        {
            Issuer = reader.String(section, "Issuer", obj, field),
            Audiences = [.. reader.Strings(section, "Audiences", obj, field)],
            Discovery = reader.String(section, "Discovery", obj, field),
            Jwks = ReadJwks(reader, section.GetSection("Jwks"), obj),
            JwksFile = reader.String(section, "JwksFile", obj, field),
            RequireHttps = reader.Bool(section, "RequireHttps", obj, field) ?? true,
            ClockSkew = reader.Duration(section, "ClockSkew", obj, field),
            RefreshInterval = reader.Duration(section, "RefreshInterval", obj, field),
            Algorithms = [.. reader.Strings(section, "Algorithms", obj, field)],
            Scopes = [.. reader.Strings(section, "Scopes", obj, field)],
            Claims = claims.ToImmutable(),
            SubjectClaim = reader.String(section, "SubjectClaim", obj, field) ?? "sub",
            TenantClaim = reader.String(section, "TenantClaim", obj, field),
            PlanClaim = reader.String(section, "PlanClaim", obj, field),
        };
    }

    // IConfiguration flattens JSON, so an inline JWKS object is written back as JSON here; a JSON string is taken as is.
    private static string? ReadJwks(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        if (section.Value is { } text)
        {
            return text;
        }

        if (!section.Exists())
        {
            return null;
        }

        return ConfigJson.Write(section);
    }
}
