namespace Gateway.Headers;

/// <summary>Rules for the request headers every proxied request is checked against (<c>Gateway:Headers</c>).</summary>
internal sealed class HeaderOptions
{
    /// <summary>
    /// Keeps request headers whose names contain <c>_</c>. Off by default, as nginx's <c>underscores_in_headers</c>:
    /// many servers fold <c>_</c> into <c>-</c>, so <c>X_Auth_Subject</c> would reach them as <c>X-Auth-Subject</c>.
    /// </summary>
    public bool AllowUnderscores { get; set; }
}
