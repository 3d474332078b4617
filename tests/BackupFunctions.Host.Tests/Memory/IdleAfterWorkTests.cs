using BackupFunctions.Host.Memory;

namespace BackupFunctions.Host.Tests.Memory;

public sealed class IdleAfterWorkTests
{
    [Fact]
    public void Nothing_is_released_before_any_work()
    {
        var idle = new IdleAfterWork();
        Assert.False(idle.Observe(started: 0, running: 0));
        Assert.False(idle.Observe(started: 0, running: 0));
    }

    [Fact]
    public void After_work_it_waits_one_whole_quiet_look_then_releases_once()
    {
        var idle = new IdleAfterWork();
        Assert.False(idle.Observe(started: 2, running: 2)); // a backup compresses and uploads
        Assert.False(idle.Observe(started: 3, running: 0)); // first quiet look: maybe a gap between steps
        Assert.True(idle.Observe(started: 3, running: 0));  // still quiet: release
        Assert.False(idle.Observe(started: 3, running: 0)); // once per quiet spell
        Assert.False(idle.Observe(started: 3, running: 0));
    }

    [Fact]
    public void Work_that_starts_or_runs_between_looks_postpones_the_release()
    {
        var idle = new IdleAfterWork();
        Assert.False(idle.Observe(started: 1, running: 0));
        Assert.False(idle.Observe(started: 2, running: 0)); // something started and ended between the looks
        Assert.False(idle.Observe(started: 2, running: 1)); // and something runs now
        Assert.False(idle.Observe(started: 2, running: 0));
        Assert.True(idle.Observe(started: 2, running: 0));
    }

    [Fact]
    public void The_next_backup_earns_the_next_release()
    {
        var idle = new IdleAfterWork();
        idle.Observe(1, 0);
        Assert.True(idle.Observe(1, 0));
        Assert.False(idle.Observe(4, 1));
        Assert.False(idle.Observe(4, 0));
        Assert.True(idle.Observe(4, 0));
    }
}
