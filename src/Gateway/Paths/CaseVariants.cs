using Gateway.Auth;
using Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Matching;

namespace Gateway.Paths;

/// <summary>
/// Routing is case-sensitive, but a case-insensitive backend serves <c>/api/Admin/users</c> as <c>/api/admin/users</c>.
/// Among the candidates rejected for their path, this finds the best-ranked protected route that matches when case is
/// ignored; when it ranks before the route that does match, the request is held to its auth too (<see cref="CaseVariantAuth"/>).
/// Open routes cost one metadata read per rejected candidate.
/// </summary>
internal static class CaseVariants
{
    /// <summary>Keeps candidate <paramref name="index"/>, just rejected, in <paramref name="held"/> when it is protected, ranks before the one held and matches ignoring case.</summary>
    public static void Consider(CandidateSet candidates, int index, RouteBehavior behavior, HttpRequest request, ref int held)
    {
        if ((held < 0 || candidates[index].Score < candidates[held].Score)
            && candidates[index].Endpoint.Metadata.GetMetadata<RouteAuthSlot>()?.Auth is not null
            && behavior.MatchesIgnoringCase(request))
        {
            held = index;
        }
    }

    /// <summary>Publishes the auth of candidate <paramref name="held"/> when no remaining candidate ranks before it.</summary>
    public static void Publish(HttpContext context, CandidateSet candidates, int held)
    {
        if (held < 0 || candidates[held].Endpoint.Metadata.GetMetadata<RouteAuthSlot>()?.Auth is not { } auth)
        {
            return;
        }

        var anyMatch = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }

            if (candidates[i].Score < candidates[held].Score)
            {
                return;
            }

            anyMatch = true;
        }

        if (anyMatch)
        {
            context.Features.Set(new CaseVariantAuth(auth));
        }
    }
}
