using Gateway.Model;
using Gateway.Primitives;
using Microsoft.AspNetCore.Http;

namespace Gateway.Inference;

/// <summary>
/// A route's model canary compiled once per route runtime: which real model serves a request. A request with the sticky
/// header or cookie is hashed onto a variant as a split route's canary hashes it (<see cref="StickyHash"/>, weighted
/// rendezvous, seeded by the variant's name), so a caller keeps its model while the weights do not change; others draw
/// by weight. Reads fields and headers only, and allocates nothing.
/// </summary>
internal sealed class ModelVariantTable
{
    private readonly string[] _models;
    private readonly int[] _weights;
    private readonly ulong[] _seeds;
    private readonly double[] _inverseWeights;
    private readonly int _total;
    private readonly string? _stickyHeader;
    private readonly string? _stickyCookie;

    public ModelVariantTable(string route, ModelCanaryPolicy policy)
    {
        RouteName = route;
        var count = policy.Variants.Length;
        _models = new string[count];
        _weights = new int[count];
        _seeds = new ulong[count];
        _inverseWeights = new double[count];
        for (var i = 0; i < count; i++)
        {
            var (model, weight) = policy.Variants[i];
            _models[i] = model;
            _weights[i] = weight;
            _seeds[i] = StickyHash.Of(model);
            _inverseWeights[i] = weight > 0 ? 1.0 / weight : 0;
            _total += weight;
        }

        _stickyHeader = policy.StickyHeader;
        _stickyCookie = policy.StickyCookie;
    }

    public string RouteName { get; }

    public IReadOnlyList<string> Models => _models;

    /// <summary>The model that serves <paramref name="request"/>.</summary>
    public string Select(HttpRequest request, Random random)
    {
        ReadOnlySpan<char> key = default;
        if (_stickyHeader is not null && request.Headers.TryGetValue(_stickyHeader, out var values) && values.Count > 0)
        {
            key = values[0];
        }
        else if (_stickyCookie is not null)
        {
            CookieValue.TryGet(request.Headers.Cookie, _stickyCookie, out key);
        }

        return _models[key.IsEmpty ? Draw(random) : Hash(StickyHash.Of(key))];
    }

    private int Hash(ulong key)
    {
        var best = 0;
        var bestScore = double.MaxValue;
        for (var i = 0; i < _models.Length; i++)
        {
            if (_weights[i] > 0)
            {
                var score = StickyHash.Score(key, _seeds[i], _inverseWeights[i]);
                if (score < bestScore)
                {
                    best = i;
                    bestScore = score;
                }
            }
        }

        return best;
    }

    private int Draw(Random random)
    {
        var point = random.Next(_total);
        for (var i = 0; i < _weights.Length; i++)
        {
            point -= _weights[i];
            if (point < 0)
            {
                return i;
            }
        }

        return _weights.Length - 1;
    }
}
