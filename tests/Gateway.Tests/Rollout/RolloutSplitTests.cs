using Gateway.Canary;
using Gateway.Model;
using Gateway.Rollout;
using Gateway.Tests.Canary;

namespace Gateway.Tests.Rollout;

public sealed class RolloutSplitTests
{
    private static readonly CanaryPolicy Policy = new() { Backend = "v2", Header = "X-Canary", StickyHeader = "X-User", Rollout = new RolloutPolicy() };

    private static (CanaryTable Table, RolloutSlot Slot) Table(CanaryPolicy? policy = null)
    {
        var route = CanaryTestRoutes.Route(policy ?? Policy, ("v1", 90), ("v2", 10));
        var slot = new RolloutSlot();
        return (new CanaryTable(CanaryPlan.For(route, CanaryTestRoutes.ModelOf(route))!, slot), slot);
    }

    private static void SetWeight(RolloutSlot slot, int weight) =>
        slot.Apply(new RolloutStatus("predict", "v2", new RolloutState("d", RolloutPhase.Progressing, 0, weight, DateTimeOffset.UnixEpoch, false, false, ""), [], [1, 100], null, [], DateTimeOffset.UnixEpoch));

    [Fact]
    public void Until_the_rollout_sets_a_step_the_canary_takes_nothing_whatever_its_declared_weight()
    {
        var (table, _) = Table();

        Assert.Equal(0, CanaryTestRoutes.Count(table, 2000, seed: 1)["v2"]);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(25)]
    [InlineData(50)]
    public void The_canary_takes_the_rollouts_share_instead_of_its_declared_weight(int weight)
    {
        var (table, slot) = Table();
        SetWeight(slot, weight);

        var counts = CanaryTestRoutes.Count(table, 20_000, seed: 7);

        Assert.InRange(counts["v2"] / 200.0, weight - 1.5, weight + 1.5);
    }

    [Fact]
    public void Sticky_users_only_move_into_the_canary_as_it_steps_and_all_move_back_on_rollback()
    {
        var (table, slot) = Table();
        var users = Enumerable.Range(0, 2000).Select(i => CanaryTestRoutes.Request(("X-User", $"user-{i}"))).ToArray();
        HashSet<int> OnCanary() => [.. Enumerable.Range(0, users.Length).Where(i => table.Select(users[i], Random.Shared, null).Name == "v2")];

        SetWeight(slot, 10);
        var at10 = OnCanary();
        SetWeight(slot, 50);
        var at50 = OnCanary();
        SetWeight(slot, 0);
        var rolledBack = OnCanary();

        Assert.InRange(at10.Count, 150, 250);
        Assert.InRange(at50.Count, 900, 1100);
        Assert.Subset(at50, at10);
        Assert.Empty(rolledBack);
    }

    [Fact]
    public void The_override_header_still_reaches_a_rolled_back_canary_for_debugging()
    {
        var (table, slot) = Table();
        SetWeight(slot, 0);

        Assert.Equal("v2", table.Select(CanaryTestRoutes.Request(("X-Canary", "always")), Random.Shared, null).Name);
    }

    [Fact]
    public void A_rolled_back_canary_is_no_fallback_for_a_stable_backend_without_endpoints()
    {
        var (table, slot) = Table(Policy with { StickyHeader = null });
        SetWeight(slot, 0);

        var counts = CanaryTestRoutes.Count(table, 500, seed: 3, availability: new FakeAvailability("v1"));

        Assert.Equal(500, counts["v1"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("X-User")]
    public void A_canary_declared_at_weight_0_is_the_fallback_of_a_stable_backend_without_endpoints_while_the_rollout_gives_it_a_share(string? sticky)
    {
        var route = CanaryTestRoutes.Route(Policy with { StickyHeader = sticky }, ("v1", 100), ("v2", 0));
        var slot = new RolloutSlot();
        var table = new CanaryTable(CanaryPlan.For(route, CanaryTestRoutes.ModelOf(route))!, slot);
        SetWeight(slot, 30);

        var counts = CanaryTestRoutes.Count(table, 500, seed: 3, CanaryTestRoutes.Request(("X-User", "user-1")), new FakeAvailability("v1"));

        Assert.Equal(500, counts["v2"]);
    }

    [Fact]
    public void Without_a_rollout_in_the_policy_the_slot_is_ignored()
    {
        var (table, slot) = Table(Policy with { Rollout = null });
        SetWeight(slot, 100);

        Assert.Null(table.Rollout);
        Assert.InRange(CanaryTestRoutes.Count(table, 10_000, seed: 5)["v2"], 800, 1200);
    }

    [Fact]
    public void The_canary_is_told_apart_from_the_primary_by_its_backend()
    {
        var (table, _) = Table();

        Assert.True(table.IsCanary("v2"));
        Assert.False(table.IsCanary("v1"));
    }
}
