using System.Text.RegularExpressions;
using Gateway.Model;
using Gateway.Primitives;
using Gateway.Rollout;
using Microsoft.AspNetCore.Http;

namespace Gateway.Canary;

/// <summary>
/// A split route's variants and canary rules, compiled once per route runtime. <see cref="Select"/> runs on every request of
/// the route: it reads fields and request headers only, and allocates nothing.
/// </summary>
internal sealed class CanaryTable
{
    private const string Always = "always";
    private const string Never = "never";

    private readonly Variant[] _variants;
    private readonly int _canary;
    private readonly int _firstStable;
    private readonly string? _header;
    private readonly string? _headerValue;
    private readonly Regex? _headerPattern;
    private readonly string? _cookie;
    private readonly string? _stickyHeader;
    private readonly string? _stickyCookie;
    private readonly bool _fallback;
    private readonly RolloutSlot? _rollout;

    /// <param name="rollout">The route's rollout slot; used only when the policy has a rollout and names the canary.</param>
    public CanaryTable(CanaryPlan plan, RolloutSlot? rollout = null)
    {
        var policy = plan.Policy;
        RouteName = plan.Route;
        _variants = Array.ConvertAll(plan.Variants, v => new Variant(v, v.Backend == policy.Backend));
        _canary = Array.FindIndex(_variants, v => v.IsCanary);
        _firstStable = _canary == 0 ? 1 : 0;
        if (_canary >= 0)
        {
            _header = policy.Header;
            _headerValue = policy.HeaderValue;
            _headerPattern = policy.HeaderPattern is { } pattern ? RouteRegex.FullMatch(pattern) : null;
            _cookie = policy.Cookie;
        }

        _stickyHeader = policy.StickyHeader;
        _stickyCookie = policy.StickyCookie;
        _fallback = policy.Fallback;
        _rollout = policy.Rollout is not null && _canary >= 0 ? rollout : null;
    }

    public string RouteName { get; }

    /// <summary>The rollout that owns the canary's share, or null when the declared weights apply.</summary>
    public RolloutSlot? Rollout => _rollout;

    public IReadOnlyList<Variant> Variants => _variants;

    /// <summary>
    /// Picks the variant for a request: header override, cookie override, then weights (hashed on the sticky key when the
    /// request has one, drawn from <paramref name="random"/> otherwise). When <paramref name="availability"/> is given and
    /// fallback is on, a variant without ready endpoints is replaced by a weighted variant that has some.
    /// </summary>
    public Variant Select(HttpRequest request, Random random, IVariantAvailability? availability)
    {
        var sticky = TryGetStickyKey(request, out var key);
        var index = Override(request) switch
        {
            CanaryOverride.Always => _canary,
            CanaryOverride.Never => Pick(sticky, key, random, excluded: _canary, availability: null),
            _ => _rollout is null ? Pick(sticky, key, random, excluded: -1, availability: null) : Split(_rollout.CanaryWeight, sticky, key, random),
        };

        // Only when no stable variant has weight: 'never' still means a stable variant.
        if (index < 0)
        {
            index = _firstStable;
        }

        var variant = _variants[index];
        if (_fallback && availability is not null && variant.UnresolvedReason is null && !availability.IsAvailable(variant))
        {
            var alternative = Pick(sticky, key, random, excluded: index, availability);
            if (alternative >= 0)
            {
                variant = _variants[alternative];
            }
        }

        return variant;
    }

    /// <summary>Whether <paramref name="backend"/> (a cluster id) is the canary's.</summary>
    public bool IsCanary(string backend) => _canary >= 0 && string.Equals(_variants[_canary].Name, backend, StringComparison.Ordinal);

    /// <summary>
    /// The choice under a rollout: the canary with the rollout's share, else a stable variant by the stable weights. A
    /// sticky key keeps its place, so each step only moves users into the canary and a rollback moves them all out.
    /// </summary>
    private int Split(int canaryPercent, bool sticky, ulong key, Random random)
    {
        var draw = sticky ? StickyHash.Percentile(key, _variants[_canary].HashSeed) : random.Next(100);
        return draw < canaryPercent ? _canary : Pick(sticky, key, random, excluded: _canary, availability: null);
    }

    private CanaryOverride Override(HttpRequest request)
    {
        if (_header is not null && request.Headers.TryGetValue(_header, out var values) && values.Count > 0 && values[0] is { } value)
        {
            if (_headerValue is not null)
            {
                if (string.Equals(value, _headerValue, StringComparison.Ordinal))
                {
                    return CanaryOverride.Always;
                }
            }
            else if (_headerPattern is not null)
            {
                if (_headerPattern.IsMatch(value))
                {
                    return CanaryOverride.Always;
                }
            }
            else if (value == Always)
            {
                return CanaryOverride.Always;
            }
            else if (value == Never)
            {
                return CanaryOverride.Never;
            }
        }

        if (_cookie is not null && CookieValue.TryGet(request.Headers.Cookie, _cookie, out var cookie))
        {
            if (cookie.SequenceEqual(Always))
            {
                return CanaryOverride.Always;
            }

            if (cookie.SequenceEqual(Never))
            {
                return CanaryOverride.Never;
            }
        }

        return CanaryOverride.None;
    }

    private bool TryGetStickyKey(HttpRequest request, out ulong key)
    {
        ReadOnlySpan<char> text = default;
        if (_stickyHeader is not null && request.Headers.TryGetValue(_stickyHeader, out var values) && values.Count > 0)
        {
            text = values[0];
        }
        else if (_stickyCookie is not null)
        {
            CookieValue.TryGet(request.Headers.Cookie, _stickyCookie, out text);
        }

        key = text.IsEmpty ? 0 : StickyHash.Of(text);
        return !text.IsEmpty;
    }

    /// <summary>
    /// Index of the weighted variant chosen among those with weight above 0, other than <paramref name="excluded"/>, and,
    /// when <paramref name="availability"/> is given, resolved and with ready endpoints; -1 when there is none.
    /// </summary>
    private int Pick(bool sticky, ulong key, Random random, int excluded, IVariantAvailability? availability)
    {
        if (sticky)
        {
            var best = -1;
            var bestScore = double.MaxValue;
            for (var i = 0; i < _variants.Length; i++)
            {
                if (IsEligible(i, excluded, availability))
                {
                    var variant = _variants[i];
                    var score = StickyHash.Score(key, variant.HashSeed, i == _canary && _rollout is not null ? 1.0 / WeightOf(i) : variant.InverseWeight);
                    if (score < bestScore)
                    {
                        best = i;
                        bestScore = score;
                    }
                }
            }

            return best;
        }

        var total = 0;
        for (var i = 0; i < _variants.Length; i++)
        {
            if (IsEligible(i, excluded, availability))
            {
                total += WeightOf(i);
            }
        }

        if (total == 0)
        {
            return -1;
        }

        var point = random.Next(total);
        for (var i = 0; i < _variants.Length; i++)
        {
            if (IsEligible(i, excluded, availability))
            {
                point -= WeightOf(i);
                if (point < 0)
                {
                    return i;
                }
            }
        }

        // Endpoints disappeared between the two passes; keep the first choice.
        return -1;
    }

    private bool IsEligible(int index, int excluded, IVariantAvailability? availability)
    {
        var variant = _variants[index];
        return WeightOf(index) > 0
            && index != excluded
            && (availability is null || (variant.UnresolvedReason is null && availability.IsAvailable(variant)));
    }

    /// <summary>A variant's weight: the declared one, or the rollout's share for the canary of a route under rollout.</summary>
    private int WeightOf(int index) => index == _canary && _rollout is not null ? _rollout.CanaryWeight : _variants[index].Weight;
}
