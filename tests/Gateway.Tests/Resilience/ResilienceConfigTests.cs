using System.Text;
using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Sources.File;

namespace Gateway.Tests.Resilience;

public sealed class ResilienceConfigTests
{
    private static SourceSnapshot Read(string json)
    {
        var config = JsonConfigFile.TryLoad(Encoding.UTF8.GetBytes(json), out var error);
        Assert.True(config is not null, error);
        return GatewayConfigReader.Read(config, "test.json", GatewayConfigReader.RoutingKeys);
    }

    private static List<string> Problems(string json)
    {
        var snapshot = Read(json);
        return [.. snapshot.Problems.Concat(ModelValidator.Validate(snapshot.Model)).Select(p => p.ToString())];
    }

    [Fact]
    public void Reads_every_resilience_field_of_a_backend_and_a_route()
    {
        var snapshot = Read("""
        {
          "Routes": [ { "Name": "r", "Backends": [ "gpu" ], "Retry": { "Attempts": 3, "Statuses": [ 503, 504 ], "AllMethods": true }, "MaxRequestBodySize": 4096, "ResponseHeadersTimeout": "3s" } ],
          "Backends": { "gpu": {
            "Endpoints": [ "http://10.0.0.1:80" ],
            "HealthCheck": {
              "Active": { "Path": "/ready", "Interval": "5s", "Timeout": "1s", "HealthyThreshold": 4, "UnhealthyThreshold": 5 },
              "Passive": { "ConsecutiveFailures": 7, "EjectionPeriod": "45s" }
            },
            "MaxConcurrentRequests": 8, "ConnectTimeout": "750ms", "IdleTimeout": "2m"
          } }
        }
        """);

        Assert.Empty(snapshot.Problems);
        var route = Assert.Single(snapshot.Model.Routes);
        Assert.Equal(new RetryPolicy { Attempts = 3, Statuses = [503, 504], AllMethods = true }.Attempts, route.Retry!.Attempts);
        Assert.Equal([503, 504], route.Retry.Statuses.ToArray());
        Assert.True(route.Retry.AllMethods);
        Assert.Equal(4096, route.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(3), route.ResponseHeadersTimeout);
        var gpu = snapshot.Model.Backends["gpu"];
        Assert.Equal(new ActiveHealthCheck { Path = "/ready", Interval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(1), HealthyThreshold = 4, UnhealthyThreshold = 5 }, gpu.HealthCheck!.Active);
        Assert.Equal(new PassiveHealthCheck { ConsecutiveFailures = 7, EjectionPeriod = TimeSpan.FromSeconds(45) }, gpu.HealthCheck.Passive);
        Assert.Equal(8, gpu.MaxConcurrentRequests);
        Assert.Equal(TimeSpan.FromMilliseconds(750), gpu.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), gpu.IdleTimeout);
    }

    [Fact]
    public void Connect_failover_is_on_by_default_tuned_by_an_object_off_with_false_and_bad_values_name_the_field()
    {
        var snapshot = Read("""
        {
          "Routes": [ { "Name": "r", "Backends": [ "default" ] } ],
          "Backends": {
            "default": { "Endpoints": [ "http://10.0.0.1:80" ] },
            "tuned": { "Endpoints": [ "http://10.0.0.2:80" ], "ConnectFailover": { "Retry": false, "EjectionPeriod": "3s" } },
            "off": { "Endpoints": [ "http://10.0.0.3:80" ], "ConnectFailover": false }
          }
        }
        """);

        Assert.Empty(snapshot.Problems);
        Assert.Equal(ConnectFailover.Default, snapshot.Model.Backends["default"].ConnectFailover);
        Assert.Equal(new ConnectFailover { Retry = false, EjectionPeriod = TimeSpan.FromSeconds(3) }, snapshot.Model.Backends["tuned"].ConnectFailover);
        Assert.Null(snapshot.Model.Backends["off"].ConnectFailover);

        var problems = Problems("""
        {
          "Routes": [ { "Name": "r", "Backends": [ "a" ] } ],
          "Backends": {
            "a": { "Endpoints": [ "http://10.0.0.1:80" ], "ConnectFailover": "sometimes" },
            "b": { "Endpoints": [ "http://10.0.0.2:80" ], "ConnectFailover": { "EjectionPeriod": "0s", "Retries": 2 } }
          }
        }
        """);
        Assert.Contains("test.json: backend 'a', field 'ConnectFailover': 'sometimes' must be true, false or an object such as { \"EjectionPeriod\": \"10s\" }", problems);
        Assert.Contains(problems, p => p.StartsWith("test.json: backend 'b', field 'ConnectFailover.Retries': unknown field", StringComparison.Ordinal));
        Assert.Contains("test.json: backend 'b', field 'ConnectFailover.EjectionPeriod': must be greater than zero", problems);
    }

    [Fact]
    public void Absent_fields_keep_their_defaults_and_passive_true_turns_ejection_on()
    {
        var snapshot = Read("""
        {
          "Routes": [ { "Name": "r", "Backends": [ "b" ], "Retry": { "Attempts": 2 } } ],
          "Backends": { "b": { "Endpoints": [ "http://10.0.0.1:80" ], "HealthCheck": { "Active": { "Path": "/healthz" }, "Passive": true } } }
        }
        """);

        Assert.Empty(snapshot.Problems);
        Assert.Equal([502, 503, 504], snapshot.Model.Routes[0].Retry!.Statuses.ToArray());
        Assert.False(snapshot.Model.Routes[0].Retry!.AllMethods);
        Assert.Equal(new ActiveHealthCheck(), snapshot.Model.Backends["b"].HealthCheck!.Active);
        Assert.Equal(new PassiveHealthCheck(), snapshot.Model.Backends["b"].HealthCheck!.Passive);
    }

    [Fact]
    public void Every_bad_setting_is_named_with_its_object_and_field()
    {
        var problems = Problems("""
        {
          "Routes": [ { "Name": "r", "Backends": [ "b" ], "Retry": { "Attempts": 0, "Statuses": [ 404, "x" ], "Budget": 1 }, "MaxRequestBodySize": -1, "Timeout": "1s", "ResponseHeadersTimeout": "2s" } ],
          "Backends": { "b": {
            "Endpoints": [ "http://10.0.0.1:80" ],
            "HealthCheck": { "Active": { "Path": "healthz", "Interval": "1s", "Timeout": "2s", "HealthyThreshold": 0 }, "Passive": { "ConsecutiveFailures": 0, "EjectionPeriod": "soon" } },
            "MaxConcurrentRequests": 0, "ConnectTimeout": "0s"
          } }
        }
        """);

        Assert.Equal(
        [
            "test.json: route 'r', field 'Retry.Budget': unknown field; expected one of: Attempts, Statuses, AllMethods",
            "test.json: route 'r', field 'Retry.Statuses': 'x' is not a status code such as 503",
            "test.json: backend 'b', field 'HealthCheck.Passive.EjectionPeriod': 'soon' is not a duration such as 500ms, 30s, 2m or 00:00:30",
            "test.json: route 'r', field 'Retry.Attempts': is 0; use 1 to 5 attempts in total (2 means one retry)",
            "test.json: route 'r', field 'Retry.Statuses[0]': 404 is not a 5xx status; only server errors are retried",
            "test.json: route 'r', field 'ResponseHeadersTimeout': 00:00:02 is longer than Timeout 00:00:01, which bounds the whole request",
            "test.json: route 'r', field 'MaxRequestBodySize': is -1; give a size in bytes, 0 or more",
            "test.json: backend 'b', field 'HealthCheck.Active.Path': 'healthz' must be a path starting with '/', such as /healthz",
            "test.json: backend 'b', field 'HealthCheck.Active.Timeout': 00:00:02 is longer than Interval 00:00:01; probes would overlap",
            "test.json: backend 'b', field 'HealthCheck.Active.HealthyThreshold': is 0; must be 1 or more",
            "test.json: backend 'b', field 'HealthCheck.Passive.ConsecutiveFailures': is 0; must be 1 or more",
            "test.json: backend 'b', field 'MaxConcurrentRequests': is 0; must be 1 or more",
            "test.json: backend 'b', field 'ConnectTimeout': must be greater than zero",
        ],
        problems);
    }
}
