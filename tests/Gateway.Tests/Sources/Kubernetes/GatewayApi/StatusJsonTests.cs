using System.Text.Json.Nodes;
using Gateway.Sources.Kubernetes.GatewayApi;

namespace Gateway.Tests.Sources.Kubernetes.GatewayApi;

public sealed class StatusJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_condition_keeps_its_transition_time_while_its_status_holds_and_gets_now_when_it_flips()
    {
        var current = JsonNode.Parse("""
            { "parents": [ { "parentRef": { "name": "gw" }, "controllerName": "c", "conditions": [
                { "type": "Accepted", "status": "True", "reason": "Accepted", "lastTransitionTime": "2026-01-01T00:00:00Z" },
                { "type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "lastTransitionTime": "2026-01-01T00:00:00Z" } ] } ] }
            """);
        var desired = JsonNode.Parse("""
            { "parents": [ { "parentRef": { "name": "gw" }, "controllerName": "c", "conditions": [
                { "type": "Accepted", "status": "True", "reason": "Accepted", "message": "new words" },
                { "type": "ResolvedRefs", "status": "False", "reason": "BackendNotFound" } ] },
              { "parentRef": { "name": "other" }, "controllerName": "c", "conditions": [ { "type": "Accepted", "status": "True" } ] } ] }
            """)!;

        StatusJson.StampTransitions(desired, current, Now);

        Assert.Equal("2026-01-01T00:00:00Z", (string?)desired["parents"]![0]!["conditions"]![0]!["lastTransitionTime"]);
        Assert.Equal("2026-11-23T12:00:00Z", (string?)desired["parents"]![0]!["conditions"]![1]!["lastTransitionTime"]);
        Assert.Equal("2026-11-23T12:00:00Z", (string?)desired["parents"]![1]!["conditions"]![0]!["lastTransitionTime"]);
    }

    [Fact]
    public void Listener_conditions_are_paired_by_listener_name()
    {
        var current = JsonNode.Parse("""
            { "listeners": [ { "name": "b", "conditions": [ { "type": "Accepted", "status": "True", "lastTransitionTime": "2026-02-02T00:00:00Z" } ] } ] }
            """);
        var desired = JsonNode.Parse("""
            { "listeners": [ { "name": "a", "conditions": [ { "type": "Accepted", "status": "True" } ] },
                             { "name": "b", "conditions": [ { "type": "Accepted", "status": "True" } ] } ] }
            """)!;

        StatusJson.StampTransitions(desired, current, Now);

        Assert.Equal("2026-11-23T12:00:00Z", (string?)desired["listeners"]![0]!["conditions"]![0]!["lastTransitionTime"]);
        Assert.Equal("2026-02-02T00:00:00Z", (string?)desired["listeners"]![1]!["conditions"]![0]!["lastTransitionTime"]);
    }
}
