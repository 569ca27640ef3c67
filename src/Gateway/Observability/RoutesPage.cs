using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Gateway.Model;
using Gateway.Rollout;

namespace Gateway.Observability;

/// <summary>
/// Renders <c>/routes</c>: every route with its matches, backends, weights and recent traffic, then the endpoints of the
/// load-aware backends with their load, for a human.
/// </summary>
internal static class RoutesPage
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Render(ModelStatus status, RouteStatsRegistry stats, RolloutRegistry rollouts, IReadOnlyList<BackendLoadReport> loads, long nowSeconds)
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Gateway routes</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d2330; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border-bottom: 1px solid #d8dce5; padding: .45rem .6rem; text-align: left; vertical-align: top; font-size: .9rem; }
            th { background: #f3f5f9; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            .error { color: #b3261e; font-weight: 600; }
            code { background: #f3f5f9; padding: 0 .25rem; border-radius: 3px; }
            </style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>Routes</h1><p>Configuration generation {status.Generation}")
            .Append(status.AppliedAt is { } applied ? $", applied {Encode(applied.ToString("u", CultureInfo.InvariantCulture))}" : "")
            .Append(CultureInfo.InvariantCulture, $"; sources: {Encode(string.Join(", ", status.Sources))}.</p>");
        if (status.LastRejected is { } rejected)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">Last change from {Encode(rejected.Source)} was rejected:</p><ul class=\"error\">");
            foreach (var problem in rejected.Problems)
            {
                html.Append("<li>").Append(Encode(problem.ToString())).Append("</li>");
            }

            html.Append("</ul>");
        }

        html.Append("<table id=\"routes\"><thead><tr><th>Route</th><th>Hosts</th><th>Matches</th><th>Backends (weight, endpoints)</th>")
            .Append("<th>Filters, limits, canary</th><th>Requests/s (1 min)</th><th>5xx/s (1 min)</th></tr></thead><tbody>");
        foreach (var route in status.Model.Routes)
        {
            var (requests, errors) = stats.Find(route.Name)?.Rates(nowSeconds) ?? (0, 0);
            html.Append("<tr data-route=\"").Append(Encode(route.Name)).Append("\"><td><strong>").Append(Encode(route.Name))
                .Append("</strong><br><small>").Append(Encode(route.Source)).Append("</small></td><td>")
                .Append(route.Hostnames.IsEmpty ? "any" : Encode(string.Join(", ", route.Hostnames))).Append("</td><td>");
            foreach (var match in route.Matches)
            {
                html.Append("<div>").Append(Encode(Describe(match))).Append("</div>");
            }

            html.Append("</td><td>");
            var totalWeight = route.Backends.Sum(b => b.Weight);
            foreach (var backend in route.Backends)
            {
                var endpoints = status.Model.Backends.TryGetValue(backend.Name, out var model) ? model.Endpoints.Count : 0;
                var share = totalWeight == 0 ? 0 : 100.0 * backend.Weight / totalWeight;
                html.Append(CultureInfo.InvariantCulture, $"<div><code>{Encode(backend.Name)}</code> {backend.Weight} ({share:0.#}%), {endpoints} endpoint{(endpoints == 1 ? "" : "s")}</div>");
            }

            html.Append("</td><td>").Append(Encode(DescribeFilters(route, status.Model)));
            if (route.Canary?.Rollout is not null && rollouts.Find(route.Name)?.Status is { } rollout)
            {
                html.Append("<div class=\"rollout\">").Append(Encode(DescribeRollout(rollout))).Append("</div>");
            }

            html
                .Append(CultureInfo.InvariantCulture, $"</td><td class=\"num\">{requests:0.00}</td><td class=\"num{(errors > 0 ? " error" : "")}\">{errors:0.00}</td></tr>");
        }

        html.Append("</tbody></table>");
        AppendLoads(html, loads);
        return html.Append("</body></html>").ToString();
    }

    /// <summary>One header row per load-aware backend (its gateway queue), then one row per endpoint.</summary>
    private static void AppendLoads(StringBuilder html, IReadOnlyList<BackendLoadReport> loads)
    {
        if (loads.Count == 0)
        {
            return;
        }

        html.Append("<h2>Load-aware backends</h2><table id=\"endpoints\"><thead><tr><th>Endpoint</th><th>In flight from this gateway</th>")
            .Append("<th>Waiting at the server</th><th>Running at the server</th><th>KV cache</th><th>Reading</th></tr></thead><tbody>");
        foreach (var backend in loads)
        {
            html.Append("<tr class=\"backend\" data-backend=\"").Append(Encode(backend.Backend)).Append("\"><th colspan=\"6\"><code>")
                .Append(Encode(backend.Backend))
                .Append(CultureInfo.InvariantCulture, $"</code>: <span class=\"queued\">{backend.Queued}</span> request{(backend.Queued == 1 ? "" : "s")} waiting at the gateway")
                .Append(CultureInfo.InvariantCulture, $"; a reading older than {backend.StaleAfter.TotalSeconds:0.###} s is ignored</th></tr>");
            foreach (var endpoint in backend.Endpoints)
            {
                html.Append("<tr data-backend=\"").Append(Encode(backend.Backend)).Append("\" data-endpoint=\"").Append(Encode(endpoint.Address))
                    .Append("\"><td><code>").Append(Encode(endpoint.Address)).Append("</code></td>")
                    .Append(CultureInfo.InvariantCulture, $"<td class=\"num in-flight\">{endpoint.InFlight}</td>")
                    .Append("<td class=\"num waiting\">").Append(Count(endpoint.Waiting)).Append("</td>")
                    .Append("<td class=\"num running\">").Append(Count(endpoint.Running)).Append("</td>")
                    .Append("<td class=\"num kv-cache\">").Append(!double.IsNaN(endpoint.KvCacheUsage) ? (endpoint.KvCacheUsage * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "-").Append("</td>")
                    .Append(endpoint.Stale ? "<td class=\"reading error\">" : "<td class=\"reading\">").Append(DescribeReading(endpoint)).Append("</td></tr>");
            }
        }

        html.Append("</tbody></table>");
    }

    /// <summary>A count the server reported; "-" when it has not (no reading, or a server without that gauge).</summary>
    private static string Count(double value) =>
        double.IsNaN(value) ? "-" : value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string DescribeReading(EndpointLoadReport endpoint) => endpoint.Age is not { } age
        ? "none: scored by its in-flight count"
        : string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:0.0} s old{(endpoint.Stale ? ", stale: scored by its in-flight count" : "")}");

    private static string Describe(RouteMatch match)
    {
        var parts = new List<string> { $"{match.Path.Type} {match.Path.Value}{(match.Path.IgnoreCase ? " (any case)" : "")}" };
        if (match.Method is { } method)
        {
            parts.Add(method);
        }

        parts.AddRange(match.Headers.Select(h => $"header {h.Name} {(h.Invert ? "not " : "")}{(h.Type == ValueMatchType.Exact ? "=" : "~")} {h.Value}"));
        parts.AddRange(match.QueryParameters.Select(q => $"query {q.Name} {(q.Type == ValueMatchType.Exact ? "=" : "~")} {q.Value}"));
        return string.Join(" · ", parts);
    }

    private static string DescribeFilters(RouteModel route, GatewayModel model)
    {
        var filters = route.Filters;
        var parts = new List<string>();
        if (filters.UrlRewrite?.Path is { } path)
        {
            parts.Add($"{path.Type} {path.Value}");
        }

        if (filters.UrlRewrite?.Hostname is { } host)
        {
            parts.Add($"Host {host}");
        }

        if (filters.Redirect is { } redirect)
        {
            parts.Add($"redirect {redirect.StatusCode}");
        }

        if (filters.RequestHeaders is { IsEmpty: false })
        {
            parts.Add("request headers");
        }

        if (filters.ResponseHeaders is { IsEmpty: false })
        {
            parts.Add("response headers");
        }

        if (!route.AuthPolicies.IsEmpty)
        {
            parts.Add($"auth {string.Join(" or ", route.AuthPolicies.Select(name => model.AuthPolicies.TryGetValue(name, out var auth) ? $"{name} ({auth.Type})" : name))}");
        }

        if (route.RateLimitPolicy is { } policyName)
        {
            parts.Add(model.RateLimitPolicies.TryGetValue(policyName, out var policy)
                ? $"limit {policy.Name}: {policy.Rate}{(policy.Burst is { } burst ? $", burst {burst}" : "")}, key {policy.Key}, {policy.Mode}"
                : $"limit {policyName}");
        }

        if (route.Canary is { } canary)
        {
            var sticky = canary.StickyHeader ?? canary.StickyCookie;
            parts.Add($"canary {canary.Backend ?? "by weight"}{(canary.Header is { } header ? $", header {header}" : "")}{(canary.Cookie is { } cookie ? $", cookie {cookie}" : "")}{(sticky is null ? "" : $", sticky {sticky}")}");
        }

        if (route.ModelCanary is { } modelCanary)
        {
            var sticky = modelCanary.StickyHeader ?? modelCanary.StickyCookie;
            parts.Add($"model canary {string.Join(" / ", modelCanary.Variants.Select(v => $"{v.Model} {v.Weight.ToString(CultureInfo.InvariantCulture)}"))}{(sticky is null ? "" : $", sticky {sticky}")}");
        }
        else if (route.ModelFromBody)
        {
            parts.Add("model from body");
        }

        if (route.Timeout is { } timeout)
        {
            parts.Add($"timeout {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s");
        }

        if (route.ResponseHeadersTimeout is { } headersTimeout)
        {
            parts.Add($"response start within {headersTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s");
        }

        if (route.Retry is { } retry)
        {
            parts.Add($"retry {retry.Attempts} attempts on connect failure, {string.Join("/", retry.Statuses)}{(retry.AllMethods ? ", any method" : "")}");
        }

        if (route.MaxRequestBodySize is { } maxBody)
        {
            parts.Add($"body up to {maxBody.ToString(CultureInfo.InvariantCulture)} bytes");
        }

        return parts.Count == 0 ? "-" : string.Join(", ", parts);
    }

    /// <summary>Progress through the steps, the last decision, and what to do once it is over.</summary>
    private static string DescribeRollout(RolloutStatus rollout)
    {
        var state = rollout.State;
        var steps = string.Join(" → ", rollout.Steps.Select((step, i) => i == state.StepIndex && state.Phase is RolloutPhase.Progressing or RolloutPhase.Paused ? $"[{step}%]" : $"{step}%"));
        var phase = RolloutEngine.Describe(state.Phase) + (state.Holding ? ", holding" : "");
        return $"rollout {phase} at {state.Weight}% ({steps}): {state.Message}{(rollout.Instruction is { } instruction ? ". " + instruction : "")}";
    }

    private static string Encode(string text) => Encoder.Encode(text);
}
