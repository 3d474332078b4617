using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Tests;

public sealed class DumpJobsDefaultTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 4)]
    [InlineData(6, 4)]
    [InlineData(64, 4)]
    public void Unset_jobs_dump_in_parallel_only_from_four_cores(int cores, int jobs) =>
        Assert.Equal(jobs, DumpSettings.DefaultJobs(cores));

    [Fact]
    public void A_configured_number_of_jobs_wins_over_the_machine()
    {
        Assert.Equal(2, new DumpSettings { Jobs = 2 }.EffectiveJobs);
        Assert.Equal(DumpSettings.DefaultJobs(Environment.ProcessorCount), new DumpSettings().EffectiveJobs);
    }
}
