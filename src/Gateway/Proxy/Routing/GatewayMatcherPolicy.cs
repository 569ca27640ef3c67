using Gateway.Paths;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Gateway.Proxy.Routing;

/// <summary>
/// Rejects candidates whose <see cref="RouteRuntime"/> does not match, after ASP.NET routing pre-selected them by
/// template, host, method and exact headers. Rejected candidates fall through to the next route in precedence order.
/// </summary>
internal sealed class GatewayMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // Run after YARP's header and query policies so cheap checks discard candidates first.
    public override int Order => int.MaxValue - 100;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<RouteRuntime>() is not null)
            {
                return true;
            }
        }

        return false;
    }

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var caseVariant = CaseVariants.None;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i)
                && candidates[i].Endpoint.Metadata.GetMetadata<RouteRuntime>() is { } behavior
                && !behavior.Matches(httpContext.Request))
            {
                CaseVariants.Consider(candidates, i, behavior, httpContext.Request, ref caseVariant);
                candidates.SetValidity(i, false);
            }
        }

        CaseVariants.Publish(httpContext, candidates, caseVariant);

        return Task.CompletedTask;
    }
}
