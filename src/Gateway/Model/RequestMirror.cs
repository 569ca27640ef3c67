namespace Gateway.Model;

/// <summary>A copy of <paramref name="Percent"/> % of a route's requests sent to <paramref name="Backend"/>, its answer ignored.</summary>
internal sealed record RequestMirror(string Backend, double Percent);
