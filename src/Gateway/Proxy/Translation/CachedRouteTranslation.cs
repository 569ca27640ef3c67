using Gateway.Model;

namespace Gateway.Proxy.Translation;

/// <summary>A route's translation and the backend records (by position in its refs) it was made with.</summary>
internal sealed record CachedRouteTranslation(BackendModel?[] Backends, RankedRoute[] Parts);
