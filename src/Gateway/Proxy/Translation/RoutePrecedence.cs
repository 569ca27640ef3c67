using Gateway.Model;

namespace Gateway.Proxy.Translation;

/// <summary>
/// Sort key of one (route, match, host group) in Gateway API precedence: most specific hostname, then exact path,
/// then regular expression, then longest prefix, then a method, then most header matches, then most query matches,
/// then declaration order. Smaller sorts first and becomes a lower YARP <c>Order</c>.
/// Routes in declaration order (Istio's first match wins) skip the match criteria: after the host, they sort before the
/// others and among themselves by position only.
/// </summary>
internal readonly record struct RoutePrecedence(
    int HostRank,
    int HostLength,
    PathMatchType PathType,
    int PathLength,
    bool HasMethod,
    int HeaderCount,
    int QueryCount,
    int RouteIndex,
    int MatchIndex,
    int HostGroupIndex,
    bool InDeclarationOrder = false) : IComparable<RoutePrecedence>
{
    public int CompareTo(RoutePrecedence other)
    {
        int result;
        if ((result = HostRank.CompareTo(other.HostRank)) != 0
            || (result = other.HostLength.CompareTo(HostLength)) != 0
            || (result = other.InDeclarationOrder.CompareTo(InDeclarationOrder)) != 0)
        {
            return result;
        }

        if (InDeclarationOrder)
        {
            return (result = RouteIndex.CompareTo(other.RouteIndex)) != 0 || (result = MatchIndex.CompareTo(other.MatchIndex)) != 0
                ? result
                : HostGroupIndex.CompareTo(other.HostGroupIndex);
        }

        if ((result = PathRank(PathType).CompareTo(PathRank(other.PathType))) != 0
            || (result = other.PathLength.CompareTo(PathLength)) != 0
            || (result = other.HasMethod.CompareTo(HasMethod)) != 0
            || (result = other.HeaderCount.CompareTo(HeaderCount)) != 0
            || (result = other.QueryCount.CompareTo(QueryCount)) != 0
            || (result = RouteIndex.CompareTo(other.RouteIndex)) != 0
            || (result = MatchIndex.CompareTo(other.MatchIndex)) != 0)
        {
            return result;
        }

        return HostGroupIndex.CompareTo(other.HostGroupIndex);
    }

    // Regular expressions rank between exact and prefix matches (of either kind), as in Envoy Gateway, so a catch-all prefix
    // cannot shadow them.
    private static int PathRank(PathMatchType type) => type switch
    {
        PathMatchType.Exact => 0,
        PathMatchType.RegularExpression => 1,
        _ => 2,
    };
}
