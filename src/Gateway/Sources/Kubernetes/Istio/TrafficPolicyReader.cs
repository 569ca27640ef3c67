using System.Text.Json;
using Gateway.Model;
using static Gateway.Sources.Kubernetes.Istio.IstioJson;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// Reads a DestinationRule <c>trafficPolicy</c>. Settings the gateway cannot honour and that change what clients get are
/// unsupported (routes to the host are left out); tuning knobs of Envoy's own machinery are reported as ignored.
/// </summary>
internal static class TrafficPolicyReader
{
    public const string LeftOut = "routes to this host are left out";

    public static TrafficSettings Read(JsonElement policy, string path, ObjectReport report)
    {
        if (!CheckFields(policy, path, report, LeftOut, ["loadBalancer", "connectionPool", "outlierDetection", "tls"]))
        {
            return TrafficSettings.None;
        }

        var settings = new TrafficSettings();
        if (TryGet(policy, "loadBalancer", out var balancer))
        {
            settings = settings with { LoadBalancing = ReadLoadBalancer(balancer, $"{path}.loadBalancer", report) };
        }

        if (TryGet(policy, "connectionPool", out var pool))
        {
            settings = ReadConnectionPool(pool, $"{path}.connectionPool", report, settings);
        }

        if (TryGet(policy, "outlierDetection", out var outlier))
        {
            settings = settings with { Passive = ReadOutlierDetection(outlier, $"{path}.outlierDetection", report) };
        }

        if (TryGet(policy, "tls", out var tls) && CheckFields(tls, $"{path}.tls", report, LeftOut, ["mode"]))
        {
            var mode = String(tls, "mode", $"{path}.tls", report);
            if (mode is not (null or "DISABLE"))
            {
                report.Unsupported($"{path}.tls.mode", $"'{mode}': the gateway talks plain HTTP to pods; {LeftOut}");
            }
        }

        return settings;
    }

    private static LoadBalancingPolicy? ReadLoadBalancer(JsonElement balancer, string path, ObjectReport report)
    {
        if (!CheckFields(balancer, path, report, LeftOut, ["simple", "consistentHash"], ["localityLbSetting", "warmupDurationSecs"], "the gateway has no localities and no slow start"))
        {
            return null;
        }

        if (TryGet(balancer, "consistentHash", out var hash))
        {
            return ReadConsistentHash(hash, $"{path}.consistentHash", report);
        }

        var simple = String(balancer, "simple", path, report);
        switch (simple)
        {
            case null or "UNSPECIFIED":
                return null;
            case "ROUND_ROBIN":
                return new LoadBalancingPolicy { Mode = LoadBalancingMode.RoundRobin };
            case "LEAST_REQUEST" or "LEAST_CONN":
                return new LoadBalancingPolicy { Mode = LoadBalancingMode.LeastRequests };
            case "RANDOM":
                return new LoadBalancingPolicy { Mode = LoadBalancingMode.Random };
            default:
                report.Unsupported($"{path}.simple", $"'{simple}' (supported: ROUND_ROBIN, LEAST_REQUEST, LEAST_CONN, RANDOM); {LeftOut}");
                return null;
        }
    }

    private static LoadBalancingPolicy? ReadConsistentHash(JsonElement hash, string path, ObjectReport report)
    {
        if (!CheckFields(hash, path, report, LeftOut, ["httpHeaderName", "httpCookie", "useSourceIp"], ["ringHash", "maglev", "minimumRingSize"], "the gateway hashes by rendezvous, which needs no ring"))
        {
            return null;
        }

        var header = String(hash, "httpHeaderName", path, report);
        string? cookie = null;
        if (TryGet(hash, "httpCookie", out var cookieJson)
            && CheckFields(cookieJson, $"{path}.httpCookie", report, LeftOut, ["name"], ["ttl", "path", "attributes"], "the gateway does not issue the cookie; a request without it goes to a random endpoint"))
        {
            cookie = String(cookieJson, "name", $"{path}.httpCookie", report);
        }

        var sourceIp = Bool(hash, "useSourceIp", path, report) ?? false;
        if ((header is null ? 0 : 1) + (cookie is null ? 0 : 1) + (sourceIp ? 1 : 0) != 1)
        {
            report.Invalid(path, $"must set exactly one of httpHeaderName, httpCookie.name or useSourceIp; {LeftOut}");
            return null;
        }

        return new LoadBalancingPolicy { Mode = LoadBalancingMode.ConsistentHash, HashHeader = header, HashCookie = cookie, HashSourceIp = sourceIp };
    }

    /// <summary>
    /// Envoy's circuit breaker as the gateway's concurrency limit: <c>http2MaxRequests</c> caps requests in flight, and so
    /// do <c>tcp.maxConnections</c> plus <c>http.http1MaxPendingRequests</c> (one HTTP/1.1 request per connection, the rest
    /// queued); beyond the limit clients get 503, as from Envoy's overflow.
    /// </summary>
    private static TrafficSettings ReadConnectionPool(JsonElement pool, string path, ObjectReport report, TrafficSettings settings)
    {
        if (!CheckFields(pool, path, report, LeftOut, ["tcp", "http"]))
        {
            return settings;
        }

        int? maxConnections = null;
        int? pending = null;
        int? maxRequests = null;
        if (TryGet(pool, "tcp", out var tcp)
            && CheckFields(tcp, $"{path}.tcp", report, LeftOut, ["maxConnections", "connectTimeout"], ["tcpKeepalive", "maxConnectionDuration", "idleTimeout"], "connections are kept and closed as the gateway's pool decides"))
        {
            maxConnections = Int(tcp, "maxConnections", $"{path}.tcp", report);
            settings = settings with { ConnectTimeout = Duration(tcp, "connectTimeout", $"{path}.tcp", report) };
        }

        if (TryGet(pool, "http", out var http)
            && CheckFields(http, $"{path}.http", report, LeftOut, ["http1MaxPendingRequests", "http2MaxRequests"],
                ["maxRequestsPerConnection", "maxRetries", "idleTimeout", "h2UpgradePolicy", "useClientProtocol", "maxConcurrentStreams"],
                "connection reuse and protocol are the gateway's own; retries are bounded per route"))
        {
            pending = Int(http, "http1MaxPendingRequests", $"{path}.http", report);
            maxRequests = Int(http, "http2MaxRequests", $"{path}.http", report);
        }

        var limit = maxRequests;
        if (maxConnections is { } connections && pending is { } queued)
        {
            limit = Math.Min(limit ?? int.MaxValue, connections + queued);
        }

        return limit is > 0 ? settings with { MaxConcurrentRequests = limit } : settings;
    }

    private static PassiveHealthCheck? ReadOutlierDetection(JsonElement outlier, string path, ObjectReport report)
    {
        if (!CheckFields(outlier, path, report, LeftOut, ["consecutive5xxErrors", "consecutiveGatewayErrors", "consecutiveErrors", "baseEjectionTime"],
                ["interval", "maxEjectionPercent", "minHealthPercent", "splitExternalLocalOriginErrors", "consecutiveLocalOriginFailures"],
                "the gateway judges every response as it comes and ejects for a fixed time"))
        {
            return null;
        }

        var failures = Int(outlier, "consecutive5xxErrors", path, report)
            ?? Int(outlier, "consecutiveGatewayErrors", path, report)
            ?? Int(outlier, "consecutiveErrors", path, report)
            ?? PassiveHealthCheck.DefaultConsecutiveFailures;
        if (failures <= 0)
        {
            return null;
        }

        return new PassiveHealthCheck
        {
            ConsecutiveFailures = failures,
            EjectionPeriod = Duration(outlier, "baseEjectionTime", path, report) ?? PassiveHealthCheck.DefaultEjectionPeriod,
        };
    }
}
