using System.Security.Cryptography;
using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// backupctl retention plan and apply on a real directory target and a real control database: the plan shows what
/// goes and why and deletes nothing; apply asks for --yes off a terminal, then deletes and records.
/// </summary>
public sealed class RetentionCommandTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("bf-cli-ret-").FullName;
    private TempDatabase _control = null!;
    private IBackupTarget _local = null!;
    private KeyRing _keys = null!;

    private string Config => Path.Combine(_root, "backupfunctions.json");

    public async Task InitializeAsync()
    {
        _control = await TempDatabase.CreateAsync("ctl_ret");
        var keyFile = Path.Combine(_root, "kek.json");
        KeyFile.Generate(keyFile, "ret-key", current: true);
        TestSecrets.RegisterKeyFile(keyFile);
        _keys = KeyRingLoader.Load(new KeyOptions { KeyFile = keyFile });
        _local = BackupTargetFactory.Create(new TargetOptions { Name = "local", Type = "filesystem", Path = Path.Combine(_root, "local") });
        await File.WriteAllTextAsync(Config, JsonSerializer.Serialize(new
        {
            BackupFunctions = new
            {
                Keys = new { KeyFile = keyFile },
                StagingDirectory = Path.Combine(_root, "staging"),
                Targets = new[] { new { Name = "local", Type = "filesystem", Path = Path.Combine(_root, "local") } },
                Retention = new { Targets = new { local = new { KeepDays = 5 } } },
            },
        }));
    }

    public async Task DisposeAsync()
    {
        await _control.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private async Task<BackupManifest> BackupAsync(int daysOld)
    {
        var createdAt = DateTimeOffset.UtcNow.AddDays(-daysOld);
        var id = ObjectKeys.NewBackupId(createdAt);
        var keys = ObjectKeys.For("shop", createdAt, id);
        var bytes = RandomNumberGenerator.GetBytes(128);
        var manifest = new BackupManifest
        {
            BackupId = id, Kind = BackupKind.Full, Database = "shop", CreatedAt = createdAt, CompletedAt = createdAt, KeyId = "ret-key",
            StoredSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), PlainSha256 = new string('b', 64), ArtifactKey = keys.Artifact,
            Copies = [new TargetCopy("local", keys.Artifact, Verified: true, createdAt)],
        };
        await _local.PutAsync(keys.Artifact, new MemoryStream(bytes));
        await _local.PutAsync(keys.Manifest, new MemoryStream(ManifestSigner.SignToUtf8Bytes(manifest, _keys)));
        return manifest;
    }

    private Dictionary<string, string> Control => new() { ["BackupFunctions__Control__ConnectionString"] = _control.ConnectionString };

    [Fact]
    public async Task Plan_shows_each_copys_rule_and_deletes_nothing_then_apply_needs_yes_and_deletes_and_records()
    {
        var recent = await BackupAsync(1);
        var old = await BackupAsync(10);
        var older = await BackupAsync(20);

        var plan = await Backupctl.RunWithEnvironmentAsync(Control, "retention", "plan", "--json", "--config", Config);

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.True(plan.Json.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, plan.Json.GetProperty("counts").GetProperty("delete").GetInt32());
        var decisions = plan.Json.GetProperty("decisions").EnumerateArray().ToDictionary(d => d.GetProperty("backupId").GetString()!);
        Assert.Equal(("keep", "newest-verified"), (decisions[recent.BackupId].GetProperty("action").GetString(), decisions[recent.BackupId].GetProperty("rule").GetString()));
        Assert.Equal(("delete", "expired"), (decisions[old.BackupId].GetProperty("action").GetString(), decisions[old.BackupId].GetProperty("rule").GetString()));
        Assert.Contains("keep-days 5", decisions[older.BackupId].GetProperty("reason").GetString());
        Assert.NotNull(await _local.StatAsync(old.ArtifactKey));
        Assert.NotNull(await _local.StatAsync(older.ArtifactKey));

        var table = await Backupctl.RunWithEnvironmentAsync(Control, "retention", "plan", "--config", Config);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(old.BackupId, table.Stdout);
        Assert.Contains("Plan: 2 to delete, 0 locked, 1 kept. Nothing was deleted (dry run).", table.Stdout);

        var unconfirmed = await Backupctl.RunWithEnvironmentAsync(Control, "retention", "apply", "--config", Config);
        Assert.True(unconfirmed.ExitCode == 2, unconfirmed.ToString());
        Assert.Contains("--yes", unconfirmed.Stderr);
        Assert.NotNull(await _local.StatAsync(old.ArtifactKey));

        var apply = await Backupctl.RunWithEnvironmentAsync(Control, "retention", "apply", "--yes", "--json", "--config", Config);

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(2, apply.Json.GetProperty("decisions").GetArrayLength());
        Assert.Null(await _local.StatAsync(old.ArtifactKey));
        Assert.Null(await _local.StatAsync(ObjectKeys.For(older).Manifest));
        Assert.NotNull(await _local.StatAsync(recent.ArtifactKey));
        Assert.Equal(2L, await _control.ScalarAsync<long>("SELECT count(*) FROM bf_catalog.deletions WHERE completed_at IS NOT NULL AND rule = 'expired'"));
    }

    [Fact]
    public async Task Apply_without_a_control_database_and_rules_that_keep_nothing_are_refused_before_anything_is_read()
    {
        var old = await BackupAsync(10);
        await BackupAsync(1);

        var noControl = await Backupctl.RunAsync("retention", "apply", "--yes", "--config", Config);
        var keepsNothing = await Backupctl.RunWithEnvironmentAsync(
            new Dictionary<string, string>(Control) { ["BackupFunctions__Retention__Targets__local__KeepDays"] = "0" },
            "retention", "plan", "--config", Config);

        Assert.True(noControl.ExitCode == 2, noControl.ToString());
        Assert.Contains("BackupFunctions:Control:ConnectionString", noControl.Stderr);
        Assert.True(keepsNothing.ExitCode == 2, keepsNothing.ToString());
        Assert.Contains("Retention of target 'local' for full backups keeps nothing", keepsNothing.Stderr);
        Assert.NotNull(await _local.StatAsync(old.ArtifactKey));
    }
}
