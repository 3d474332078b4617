using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Tests.Pitr;

/// <summary>The small parts of PITR: WAL names, backup_label, choosing a base backup, the recovery settings.</summary>
public sealed class PitrPartsTests
{
    [Fact]
    public void The_segments_after_one_roll_over_into_the_next_log_file()
    {
        Assert.Equal(["0000000200000003000000FF", "000000020000000400000000"], WalFileName.Following("0000000200000003000000FE", 2));
        Assert.Equal(["000000010000000100000000"], WalFileName.Following("00000001000000000000003F", 1, segmentSizeMiB: 64));
        Assert.Empty(WalFileName.Following("00000002.history", 3));
    }

    [Theory]
    [InlineData("000000010000000000000001", true)]
    [InlineData("00000002.history", true)]
    [InlineData("000000010000000000000002.00000028.backup", true)]
    [InlineData("000000010000000000000002.partial", true)]
    [InlineData("000000010000000000000001.bfa", false)]
    [InlineData("00000001000000000000000g", false)]
    [InlineData("../000000010000000000000001", false)]
    public void Only_names_postgres_archives_are_accepted(string name, bool valid) => Assert.Equal(valid, WalFileName.IsValid(name));

    [Fact]
    public void Backup_label_gives_where_replay_starts()
    {
        var label = BackupLabel.Parse("START WAL LOCATION: 0/4000028 (file 000000010000000000000004)\nCHECKPOINT LOCATION: 0/4000060\nSTART TIMELINE: 1\n");

        Assert.Equal(new BackupLabel("0/4000028", "000000010000000000000004", 1), label);
        Assert.Throws<FormatException>(() => BackupLabel.Parse("LABEL: nothing here"));
    }

    [Fact]
    public void The_base_backup_chosen_is_the_newest_complete_before_the_target()
    {
        var t0 = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var backups = new[] { Base("a", t0), Base("b", t0.AddHours(1)), Base("c", t0.AddHours(2)) };

        Assert.Equal("b", BaseBackupCatalog.Choose(backups, t0.AddMinutes(90)).BackupId);
        Assert.Equal("c", BaseBackupCatalog.Choose(backups, null).BackupId);
        var none = Assert.Throws<PitrException>(() => BaseBackupCatalog.Choose(backups, t0.AddMinutes(-1)));
        Assert.Contains("No base backup was complete before", none.Message);
        Assert.Throws<PitrException>(() => BaseBackupCatalog.Choose([], null));
    }

    [Fact]
    public void Recovery_settings_quote_the_restore_command_and_stop_at_the_target()
    {
        var dir = Directory.CreateTempSubdirectory("bf-recovery-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "postgresql.auto.conf"), "archive_mode = on\n");
            RecoveryConfig.Write(dir, "backupctl wal fetch --config '/etc/it''s.json' \"%f\" \"%p\"", new DateTimeOffset(2026, 11, 24, 11, 15, 0, TimeSpan.FromHours(1)));

            var conf = File.ReadAllText(Path.Combine(dir, "postgresql.auto.conf"));
            Assert.True(File.Exists(Path.Combine(dir, "recovery.signal")));
            Assert.Contains("restore_command = 'backupctl wal fetch --config ''/etc/it''''s.json'' \"%f\" \"%p\"'", conf);
            Assert.Contains("recovery_target_time = '2026-11-24 10:15:00.000000+00'", conf);
            Assert.Contains("recovery_target_action = 'promote'", conf);
            Assert.EndsWith("archive_mode = 'off'\n", conf.ReplaceLineEndings("\n"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_timeline_history_gives_the_parent_and_the_segment_it_was_left_at()
    {
        var lines = new[] { "1\t0/5000000\tbefore 2026-11-24 10:00:00+00", "", "2\t1/A3000028\tno recovery target specified" };

        Assert.Equal((2, "00000001000000A3"), WalArchiveGap.ParseLastSwitch(lines, 16));
        Assert.Equal((1, "0000000000000005"), WalArchiveGap.ParseLastSwitch(lines.Take(1), 16));
    }

    private static BaseBackupManifest Base(string id, DateTimeOffset completed) => new()
    {
        BackupId = id, Cluster = "c", StartLsn = "0/1", StartWalFile = "000000010000000000000001", Timeline = 1,
        StartedAt = completed.AddMinutes(-1), CompletedAt = completed, StoredSha256 = "", PlainSha256 = "", KeyId = "k", ArtifactKey = "x",
    };
}
