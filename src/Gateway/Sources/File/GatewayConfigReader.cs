using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Validation;
using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>
/// Turns the routing part of a <c>Gateway</c> configuration section (appsettings.json, the ConfigMap file) into a model.
/// Shape errors are reported here with their field path; cross-object rules are checked by <see cref="ModelValidator"/>.
/// </summary>
internal static class GatewayConfigReader
{
    /// <summary>Keys that configure routing, the only ones a ConfigMap file may hold.</summary>
    public static readonly string[] RoutingKeys = ["Routes", "Backends", "RateLimitPolicies", "AuthPolicies", "TlsSecrets"];

    /// <summary>Keys of appsettings' <c>Gateway</c> section: routing, plus process settings read through options.</summary>
    public static readonly string[] AppSettingsKeys = [.. RoutingKeys, .. GatewaySection.ProcessKeys];

    /// <param name="section">The <c>Gateway</c> section, or the root of a ConfigMap file.</param>
    /// <param name="allowedKeys">The top-level keys this source may use; any other is reported as a typo.</param>
    public static SourceSnapshot Read(IConfiguration section, string source, ReadOnlySpan<string> allowedKeys)
    {
        var problems = new List<ModelProblem>();
        var reader = new ConfigFieldReader(source, problems);
        foreach (var child in section.GetChildren())
        {
            if (!allowedKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase) && GatewaySection.ProcessKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                reader.Problem("section 'Gateway'", child.Key, "is a process setting, read only from appsettings.json, environment variables or the command line, not from this file");
            }
        }

        reader.RejectUnknownKeys(section, "section 'Gateway'", "", [.. allowedKeys, .. GatewaySection.ProcessKeys]);

        var routes = ImmutableArray.CreateBuilder<RouteModel>();
        foreach (var item in ConfigFieldReader.Items(section, "Routes"))
        {
            if (ReadRoute(reader, item) is { } route)
            {
                routes.Add(route);
            }
        }

        var backends = ImmutableDictionary.CreateBuilder<string, BackendModel>(StringComparer.Ordinal);
        foreach (var item in section.GetSection("Backends").GetChildren())
        {
            backends[item.Key] = ReadBackend(reader, item);
        }

        var model = new GatewayModel
        {
            Routes = routes.ToImmutable(),
            Backends = backends.ToImmutable(),
            RateLimitPolicies = RateLimitPolicyReader.ReadAll(reader, section.GetSection("RateLimitPolicies")),
            AuthPolicies = AuthPolicyReader.ReadAll(reader, section.GetSection("AuthPolicies")),
            TlsBindings = TlsSecretsReader.ReadAll(reader, section),
        };
        return new SourceSnapshot(source, model, [.. problems]);
    }

    private static RouteModel? ReadRoute(ConfigFieldReader reader, IConfigurationSection section)
    {
        var name = reader.String(section, "Name", $"route #{section.Key}", "");
        if (string.IsNullOrWhiteSpace(name))
        {
            reader.Problem($"route #{section.Key}", "Name", "is required");
            return null;
        }

        var obj = $"route '{name}'";
        reader.RejectUnknownKeys(section, obj, "", "Name", "Hostnames", "Matches", "Filters", "Backends", "Timeout", "Canary", "RateLimitPolicy", "Retry", "MaxRequestBodySize", "ResponseHeadersTimeout", "AuthPolicy", "RedirectToHttps", "AllowPathParameters", "AllowEncodedSlashes", "ModelFromBody", "ModelCanary", "TokenLimitPolicy");

        var matches = ImmutableArray.CreateBuilder<RouteMatch>();
        foreach (var item in ConfigFieldReader.Items(section, "Matches"))
        {
            matches.Add(ReadMatch(reader, item, obj, $"Matches[{item.Key}]"));
        }

        var backends = ImmutableArray.CreateBuilder<BackendRef>();
        foreach (var item in ConfigFieldReader.Items(section, "Backends"))
        {
            var field = $"Backends[{item.Key}]";
            if (item.Value is { } shorthand)
            {
                backends.Add(new BackendRef(shorthand));
                continue;
            }

            reader.RejectUnknownKeys(item, obj, field, "Name", "Weight");
            backends.Add(new BackendRef(
                reader.String(item, "Name", obj, field) ?? "",
                reader.Int(item, "Weight", obj, field) ?? 1));
        }

        return new RouteModel
        {
            Name = name,
            Source = reader.Source,
            Hostnames = [.. reader.Strings(section, "Hostnames", obj, "")],
            Matches = matches.Count == 0 ? [new RouteMatch()] : matches.ToImmutable(),
            Filters = ReadFilters(reader, section.GetSection("Filters"), obj),
            Backends = backends.ToImmutable(),
            Timeout = reader.Duration(section, "Timeout", obj, ""),
            RateLimitPolicy = reader.String(section, "RateLimitPolicy", obj, ""),
            TokenLimitPolicy = reader.String(section, "TokenLimitPolicy", obj, ""),
            Canary = ReadCanary(reader, section.GetSection("Canary"), obj),
            Retry = ResilienceReader.ReadRetry(reader, section.GetSection("Retry"), obj),
            MaxRequestBodySize = reader.Long(section, "MaxRequestBodySize", obj, ""),
            ResponseHeadersTimeout = reader.Duration(section, "ResponseHeadersTimeout", obj, ""),
            AuthPolicies = AuthPolicyReader.ReadRouteField(reader, section, obj),
            RedirectToHttps = reader.Bool(section, "RedirectToHttps", obj, "") ?? false,
            AllowedPathForms = (reader.Bool(section, "AllowPathParameters", obj, "") == true ? PathForms.Parameters : PathForms.None)
                | (reader.Bool(section, "AllowEncodedSlashes", obj, "") == true ? PathForms.EncodedSlashes : PathForms.None),
            ModelFromBody = reader.Bool(section, "ModelFromBody", obj, "") ?? false,
            ModelCanary = ReadModelCanary(reader, section.GetSection("ModelCanary"), obj),
        };
    }

    private static ModelCanaryPolicy? ReadModelCanary(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        const string field = "ModelCanary";
        if (section.Value is { Length: > 0 })
        {
            reader.Problem(obj, field, "must be an object such as { \"Variants\": [{ \"Model\": \"llama-3.1-8b\", \"Weight\": 90 }] }");
            return null;
        }

        if (!section.GetChildren().Any())
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, field, "Variants", "StickyHeader", "StickyCookie");
        var variants = ImmutableArray.CreateBuilder<ModelVariant>();
        foreach (var item in ConfigFieldReader.Items(section, "Variants"))
        {
            var itemField = ConfigFieldReader.Join(field, "Variants", item.Key);
            reader.RejectUnknownKeys(item, obj, itemField, "Model", "Weight");
            variants.Add(new ModelVariant(reader.String(item, "Model", obj, itemField) ?? "", reader.Int(item, "Weight", obj, itemField) ?? 1));
        }

        return new ModelCanaryPolicy
        {
            Variants = variants.ToImmutable(),
            StickyHeader = reader.String(section, "StickyHeader", obj, field),
            StickyCookie = reader.String(section, "StickyCookie", obj, field),
        };
    }

    private static CanaryPolicy? ReadCanary(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        const string field = "Canary";
        if (section.Value is { Length: > 0 })
        {
            reader.Problem(obj, field, "must be an object such as { \"Backend\": \"model-v2\", \"Header\": \"X-Canary\" }");
            return null;
        }

        if (!section.GetChildren().Any())
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, field, "Backend", "Header", "HeaderValue", "HeaderPattern", "Cookie", "StickyHeader", "StickyCookie", "Fallback", "Rollout");
        return new CanaryPolicy
        {
            Backend = reader.String(section, "Backend", obj, field),
            Header = reader.String(section, "Header", obj, field),
            HeaderValue = reader.String(section, "HeaderValue", obj, field),
            HeaderPattern = reader.String(section, "HeaderPattern", obj, field),
            Cookie = reader.String(section, "Cookie", obj, field),
            StickyHeader = reader.String(section, "StickyHeader", obj, field),
            StickyCookie = reader.String(section, "StickyCookie", obj, field),
            Fallback = reader.Bool(section, "Fallback", obj, field) ?? true,
            Rollout = RolloutReader.Read(reader, section.GetSection("Rollout"), obj),
        };
    }

    private static RouteMatch ReadMatch(ConfigFieldReader reader, IConfigurationSection section, string obj, string field)
    {
        reader.RejectUnknownKeys(section, obj, field, "Path", "Method", "Headers", "QueryParameters");
        var pathSection = section.GetSection("Path");
        var path = PathMatch.Root;
        if (pathSection.Value is { } prefix)
        {
            path = new PathMatch(PathMatchType.PathPrefix, prefix);
        }
        else if (pathSection.Exists())
        {
            var pathField = $"{field}.Path";
            reader.RejectUnknownKeys(pathSection, obj, pathField, "Type", "Value");
            path = new PathMatch(
                reader.Enum<PathMatchType>(pathSection, "Type", obj, pathField) ?? PathMatchType.PathPrefix,
                reader.String(pathSection, "Value", obj, pathField) ?? "");
        }

        return new RouteMatch
        {
            Path = path,
            Method = reader.String(section, "Method", obj, field)?.ToUpperInvariant(),
            Headers = ReadValueMatches(reader, section, "Headers", obj, field),
            QueryParameters = ReadValueMatches(reader, section, "QueryParameters", obj, field),
        };
    }

    private static ImmutableArray<ValueMatch> ReadValueMatches(
        ConfigFieldReader reader, IConfigurationSection parent, string key, string obj, string field)
    {
        var matches = ImmutableArray.CreateBuilder<ValueMatch>();
        foreach (var item in ConfigFieldReader.Items(parent, key))
        {
            var itemField = ConfigFieldReader.Join(field, key, item.Key);
            reader.RejectUnknownKeys(item, obj, itemField, "Name", "Value", "Type");
            matches.Add(new ValueMatch(
                reader.String(item, "Name", obj, itemField) ?? "",
                reader.String(item, "Value", obj, itemField) ?? "",
                reader.Enum<ValueMatchType>(item, "Type", obj, itemField) ?? ValueMatchType.Exact));
        }

        return matches.ToImmutable();
    }

    private static RouteFilters ReadFilters(ConfigFieldReader reader, IConfigurationSection section, string obj)
    {
        if (!section.Exists())
        {
            return RouteFilters.None;
        }

        reader.RejectUnknownKeys(section, obj, "Filters", "UrlRewrite", "RequestHeaders", "ResponseHeaders", "Redirect");
        UrlRewrite? rewrite = null;
        var rewriteSection = section.GetSection("UrlRewrite");
        if (rewriteSection.Exists())
        {
            reader.RejectUnknownKeys(rewriteSection, obj, "Filters.UrlRewrite", "Path", "Hostname");
            rewrite = new UrlRewrite
            {
                Path = ReadPathRewrite(reader, rewriteSection.GetSection("Path"), obj, "Filters.UrlRewrite.Path"),
                Hostname = reader.String(rewriteSection, "Hostname", obj, "Filters.UrlRewrite"),
            };
        }

        RequestRedirect? redirect = null;
        var redirectSection = section.GetSection("Redirect");
        if (redirectSection.Exists())
        {
            reader.RejectUnknownKeys(redirectSection, obj, "Filters.Redirect", "Scheme", "Hostname", "Port", "Path", "StatusCode");
            redirect = new RequestRedirect
            {
                Scheme = reader.String(redirectSection, "Scheme", obj, "Filters.Redirect")?.ToLowerInvariant(),
                Hostname = reader.String(redirectSection, "Hostname", obj, "Filters.Redirect"),
                Port = reader.Int(redirectSection, "Port", obj, "Filters.Redirect"),
                Path = ReadPathRewrite(reader, redirectSection.GetSection("Path"), obj, "Filters.Redirect.Path"),
                StatusCode = reader.Int(redirectSection, "StatusCode", obj, "Filters.Redirect") ?? 302,
            };
        }

        return new RouteFilters
        {
            UrlRewrite = rewrite,
            RequestHeaders = ReadHeaderModifier(reader, section.GetSection("RequestHeaders"), obj, "Filters.RequestHeaders"),
            ResponseHeaders = ReadHeaderModifier(reader, section.GetSection("ResponseHeaders"), obj, "Filters.ResponseHeaders"),
            Redirect = redirect,
        };
    }

    private static PathRewrite? ReadPathRewrite(ConfigFieldReader reader, IConfigurationSection section, string obj, string field)
    {
        if (!section.Exists())
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, field, "Type", "Value");
        var type = reader.Enum<PathRewriteType>(section, "Type", obj, field);
        if (type is null)
        {
            reader.Problem(obj, $"{field}.Type", "is required: ReplacePrefixMatch or ReplaceFullPath");
            return null;
        }

        return new PathRewrite(type.Value, reader.String(section, "Value", obj, field) ?? "");
    }

    private static HeaderModifier? ReadHeaderModifier(ConfigFieldReader reader, IConfigurationSection section, string obj, string field)
    {
        if (!section.Exists())
        {
            return null;
        }

        reader.RejectUnknownKeys(section, obj, field, "Set", "Add", "Remove");
        return new HeaderModifier
        {
            Set = ReadHeaderValues(reader, section.GetSection("Set"), obj, $"{field}.Set"),
            Add = ReadHeaderValues(reader, section.GetSection("Add"), obj, $"{field}.Add"),
            Remove = [.. reader.Strings(section, "Remove", obj, field)],
        };
    }

    private static ImmutableArray<KeyValuePair<string, string>> ReadHeaderValues(
        ConfigFieldReader reader, IConfigurationSection section, string obj, string field)
    {
        var values = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        foreach (var header in section.GetChildren())
        {
            if (header.Value is null)
            {
                reader.Problem(obj, $"{field}.{header.Key}", "must be a string value");
                continue;
            }

            values.Add(new KeyValuePair<string, string>(header.Key, header.Value));
        }

        return values.ToImmutable();
    }

    private static BackendModel ReadBackend(ConfigFieldReader reader, IConfigurationSection section)
    {
        var obj = $"backend '{section.Key}'";
        reader.RejectUnknownKeys(section, obj, "", "Endpoints", "HealthCheck", "ConnectFailover", "MaxConcurrentRequests", "ConnectTimeout", "IdleTimeout", "LoadBalancing");
        return new BackendModel
        {
            Name = section.Key,
            Source = reader.Source,
            Endpoints = [.. reader.Strings(section, "Endpoints", obj, "")],
            HealthCheck = ResilienceReader.ReadHealthCheck(reader, section.GetSection("HealthCheck"), obj),
            ConnectFailover = ResilienceReader.ReadConnectFailover(reader, section.GetSection("ConnectFailover"), obj),
            MaxConcurrentRequests = reader.Int(section, "MaxConcurrentRequests", obj, ""),
            ConnectTimeout = reader.Duration(section, "ConnectTimeout", obj, ""),
            IdleTimeout = reader.Duration(section, "IdleTimeout", obj, ""),
            LoadBalancing = LoadBalancingReader.Read(reader, section.GetSection("LoadBalancing"), obj),
        };
    }
}
