using Gateway.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Net.Http.Headers;

namespace Gateway.Auth;

/// <summary>
/// An API-key policy: the key comes from the configured header, then <c>Authorization: Bearer</c>, then the query
/// parameter, and is looked up by hash in the policy's <see cref="ApiKeyTable"/>.
/// </summary>
/// <remarks>
/// Keys are a table built per configuration; another key source (e.g. Kubernetes Secrets) only has to contribute
/// <see cref="ApiKeyEntry"/> items to the policy for them to be served here.
/// </remarks>
internal sealed class ApiKeyAuthenticator : IAuthenticator
{
    private readonly ApiKeyAuth _settings;
    private readonly ApiKeyTable _table;
    private readonly string _challenge;
    private readonly string _invalidChallenge;

    public ApiKeyAuthenticator(AuthPolicy policy)
    {
        PolicyName = policy.Name;
        _settings = policy.ApiKey!;
        _table = new ApiKeyTable(policy.Name, _settings.Keys);
        _challenge = $"ApiKey realm=\"{policy.Name}\"";
        _invalidChallenge = $"{_challenge}, error=\"invalid_key\"";
    }

    public string PolicyName { get; }

    public ValueTask<AuthResult> AuthenticateAsync(HttpContext context)
    {
        var key = ReadKey(context.Request);
        if (key.IsEmpty)
        {
            return ValueTask.FromResult(AuthResult.Missing);
        }

        return ValueTask.FromResult(_table.Find(key) is { } record
            ? AuthResult.Allowed(record.Identity)
            : AuthResult.Invalid("The API key is not valid."));
    }

    public string Challenge(AuthResult result) => result.Outcome == AuthOutcome.Invalid ? _invalidChallenge : _challenge;

    /// <summary>Removes the credential the key was read from (same order as reading), leaving other headers alone.</summary>
    public void RemoveCredentials(HttpContext context)
    {
        var request = context.Request;
        if (_settings.Header.Length > 0 && request.Headers.ContainsKey(_settings.Header))
        {
            request.Headers.Remove(_settings.Header);
        }
        else if (_settings.Bearer && !BearerToken.Read(request).IsEmpty)
        {
            request.Headers.Remove(HeaderNames.Authorization);
        }
        else if (_settings.QueryParameter is { } name && request.Query.ContainsKey(name))
        {
            var kept = new QueryBuilder();
            foreach (var (key, values) in request.Query)
            {
                if (!string.Equals(key, name, StringComparison.Ordinal))
                {
                    kept.Add(key, (IEnumerable<string>)values!);
                }
            }

            request.QueryString = kept.ToQueryString();
        }
    }

    private ReadOnlySpan<char> ReadKey(HttpRequest request)
    {
        if (_settings.Header.Length > 0 && request.Headers[_settings.Header] is { Count: > 0 } values && values[0] is { Length: > 0 } value)
        {
            return value.AsSpan().Trim();
        }

        if (_settings.Bearer && BearerToken.Read(request) is { IsEmpty: false } bearer)
        {
            return bearer;
        }

        if (_settings.QueryParameter is { } name && request.Query.TryGetValue(name, out var query) && query[0] is { Length: > 0 } fromQuery)
        {
            return fromQuery;
        }

        return default;
    }
}
