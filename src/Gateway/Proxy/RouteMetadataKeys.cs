namespace Gateway.Proxy;

/// <summary>Keys of <c>RouteConfig.Metadata</c> through which the translator hands our semantics to the hot path.</summary>
internal static class RouteMetadataKeys
{
    /// <summary>Name of the model route a YARP route was made from.</summary>
    public const string Route = "Gateway.Route";

    /// <summary><c>Type:Value</c> of the path match, checked case-sensitively on top of YARP's template match.</summary>
    public const string Path = "Gateway.Path";

    /// <summary>The HTTP method the route takes. Checked by us, not YARP, so a wrong method gives 404 (no route), not 405.</summary>
    public const string Method = "Gateway.Method";

    /// <summary>JSON array of <c>[name, pattern]</c> pairs that request headers must match.</summary>
    public const string HeaderRegex = "Gateway.HeaderRegex";

    /// <summary>JSON array of <c>[name, pattern]</c> pairs that query parameters must match.</summary>
    public const string QueryRegex = "Gateway.QueryRegex";

    /// <summary>JSON of the redirect the route answers with instead of forwarding.</summary>
    public const string Redirect = "Gateway.Redirect";

    /// <summary>Status code the route answers with because it cannot forward (e.g. 500 for a backend that does not exist).</summary>
    public const string FixedStatus = "Gateway.FixedStatus";

    /// <summary>Why <see cref="FixedStatus"/> is set, for logs.</summary>
    public const string FixedStatusReason = "Gateway.FixedStatusReason";

    /// <summary>How long the backend may take, as a TimeSpan string.</summary>
    public const string Timeout = "Gateway.Timeout";

    /// <summary>JSON of the route's <see cref="Canary.CanaryPlan"/> when it splits traffic between several backends.</summary>
    public const string Canary = "Gateway.Canary";

    /// <summary>JSON of the route's <see cref="Model.RetryPolicy"/>.</summary>
    public const string Retry = "Gateway.Retry";

    /// <summary>Largest request body in bytes.</summary>
    public const string MaxRequestBodySize = "Gateway.MaxRequestBodySize";

    /// <summary>How long the backend may take to start its response, as a TimeSpan string.</summary>
    public const string ResponseHeadersTimeout = "Gateway.ResponseHeadersTimeout";

    /// <summary>JSON of the route's <see cref="Model.CorsPolicy"/>.</summary>
    public const string Cors = "Gateway.Cors";

    /// <summary>JSON array of the client address ranges the route is limited to.</summary>
    public const string AllowSources = "Gateway.AllowSources";

    /// <summary>Requests one client may have in flight on the route.</summary>
    public const string MaxConcurrentRequestsPerClient = "Gateway.MaxConcurrentRequestsPerClient";

    /// <summary>JSON array of the client address ranges the route refuses.</summary>
    public const string DenySources = "Gateway.DenySources";

    /// <summary>Present when a plain-HTTP request to the route is redirected to https (value <c>true</c>).</summary>
    public const string RedirectToHttps = "Gateway.RedirectToHttps";

    /// <summary>JSON of the route's <see cref="Model.FaultInjection"/>.</summary>
    public const string Fault = "Gateway.Fault";

    /// <summary>JSON of the <see cref="Model.DirectResponse"/> the route answers with instead of forwarding.</summary>
    public const string DirectResponse = "Gateway.DirectResponse";

    /// <summary>JSON array of the route's <see cref="Model.RequestMirror"/>s whose backend resolved.</summary>
    public const string Mirrors = "Gateway.Mirrors";

    /// <summary>The <see cref="Model.PathForms"/> the route accepts in request paths, when any.</summary>
    public const string AllowedPathForms = "Gateway.AllowedPathForms";
}
