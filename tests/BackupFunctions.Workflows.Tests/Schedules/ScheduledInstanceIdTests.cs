using BackupFunctions.Workflows.Schedules;

namespace BackupFunctions.Workflows.Tests.Schedules;

public sealed class ScheduledInstanceIdTests
{
    private static readonly DateTime Due = new(2026, 3, 1, 2, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Is_the_schedule_in_lower_case_and_the_due_time_in_utc()
    {
        Assert.Equal("schedule:fullbackup:20260301T020000Z", ScheduledInstanceId.For("FullBackup", Due));
    }

    [Fact]
    public void Appends_the_unit_key_when_there_is_one()
    {
        Assert.Equal("schedule:tenantbackup:20260301T020000Z:tenant-a", ScheduledInstanceId.For("TenantBackup", Due, "tenant-a"));
    }

    [Fact]
    public void A_local_due_time_names_the_same_instant()
    {
        Assert.Equal(ScheduledInstanceId.For("FullBackup", Due), ScheduledInstanceId.For("FullBackup", Due.ToLocalTime()));
    }

    [Fact]
    public void Two_due_times_never_share_an_id_and_the_prefix_lists_a_schedule()
    {
        var first = ScheduledInstanceId.For("IntegrityCheck", Due);
        var second = ScheduledInstanceId.For("IntegrityCheck", Due.AddHours(1));
        Assert.NotEqual(first, second);
        Assert.StartsWith(ScheduledInstanceId.PrefixFor("IntegrityCheck"), first);
        Assert.StartsWith(ScheduledInstanceId.PrefixFor("IntegrityCheck"), second);
        Assert.DoesNotContain(ScheduledInstanceId.PrefixFor("Retention"), first);
    }

    [Fact]
    public void Scheduled_instance_ids_are_a_pure_function_of_schedule_due_time_and_unit()
    {
        Assert.Equal("schedule:fullbackup:20260301T020000Z", ScheduledInstanceId.For(ScheduleName.FullBackup, Due));
        Assert.Equal("schedule:fullbackup:20260301T020000Z:app", ScheduledInstanceId.For(ScheduleName.FullBackup, Due, "app"));
        Assert.Equal("schedule:fullbackup:20260301T020000Z", ScheduledInstanceId.For(ScheduleName.FullBackup, Due, null));
        Assert.StartsWith(ScheduledInstanceId.PrefixFor(ScheduleName.FullBackup), ScheduledInstanceId.For(ScheduleName.FullBackup, Due));
        Assert.Equal(
            ScheduledInstanceId.For("Retention", new DateTimeOffset(2026, 3, 1, 4, 30, 0, TimeSpan.FromHours(2)).UtcDateTime),
            ScheduledInstanceId.For("Retention", new DateTime(2026, 3, 1, 2, 30, 0, DateTimeKind.Utc)));
    }
}
