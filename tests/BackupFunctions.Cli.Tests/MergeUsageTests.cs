using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// backupctl restore --merge refuses what makes no sense with exit code 2 and a sentence that says why, before
/// anything is read or written: a full backup, 'latest', --replace-tenant-rows alone. (The merge itself is tested
/// in the workflow and HTTP tests.)
/// </summary>
public sealed class MergeUsageTests(CliEnvironment env) : IClassFixture<CliEnvironment>
{
    private string FullBackupId => env.Backup.Json.GetProperty("manifest").GetProperty("backupId").GetString()!;

    [Fact]
    public async Task Merging_a_full_backup_exits_2_and_leaves_the_database_alone()
    {
        Assert.True(env.Backup.ExitCode == 0, env.Backup.ToString());
        var before = await CliEnvironment.RowCountsAsync(env.Source.Name);

        var run = await Backupctl.RunAsync("restore", FullBackupId, "--to", TestServices.PgConnectionString(env.Source.Name), "--merge", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("full backup: only a tenant backup can be merged", run.Stderr);
        Assert.Equal(before, await CliEnvironment.RowCountsAsync(env.Source.Name));
    }

    [Fact]
    public async Task Merging_latest_exits_2_asking_for_a_tenant_backup_id()
    {
        var run = await Backupctl.RunAsync("restore", "latest", "--to", TestServices.PgConnectionString(env.Source.Name), "--merge", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("needs the id of a tenant backup", run.Stderr);
    }

    [Fact]
    public async Task Replace_tenant_rows_without_merge_exits_2()
    {
        var destination = env.NewDatabaseName("cli_never");

        var run = await Backupctl.RunAsync("restore", FullBackupId, "--to", TestServices.PgConnectionString(destination), "--replace-tenant-rows", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--replace-tenant-rows applies only with --merge", run.Stderr);
    }
}
