using Gateway.Auth;
using Gateway.Paths;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Matching;

namespace Gateway.Proxy.Routing;

/// <summary>
/// Routing is case-sensitive, but a case-insensitive backend serves <c>/api/Admin/users</c> as <c>/api/admin/users</c>.
/// Among the candidates rejected for their path, this finds the best-ranked protected route that matches when case is
/// ignored; when it ranks before the route that does match, the request is held to its auth too (<see cref="CaseVariantAuth"/>).
/// Open routes cost one metadata read per rejected candidate.
/// </summary>
internal static class CaseVariants
{
    /// <summary>No candidate held yet.</summary>
    public static (int Index, int Score) None => (-1, int.MaxValue);

    /// <summary>
    /// Keeps candidate <paramref name="index"/>, about to be rejected, in <paramref name="held"/> when it is protected,
    /// ranks before the one held and matches ignoring case. Called before the rejection, which changes the score.
    /// </summary>
    public static void Consider(CandidateSet candidates, int index, RouteRuntime runtime, HttpRequest request, ref (int Index, int Score) held)
    {
        var candidate = candidates[index];
        if (candidate.Score < held.Score
            && runtime.AuthSlot?.Auth is not null
            && runtime.MatchesIgnoringCase(request))
        {
            held = (index, candidate.Score);
        }
    }

    /// <summary>Publishes the auth of the candidate <paramref name="held"/> when no remaining candidate ranks before it.</summary>
    public static void Publish(HttpContext context, CandidateSet candidates, (int Index, int Score) held)
    {
        if (held.Index < 0 || candidates[held.Index].Endpoint.Metadata.GetMetadata<RouteRuntime>()?.AuthSlot?.Auth is not { } auth)
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

            if (candidates[i].Score < held.Score)
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
