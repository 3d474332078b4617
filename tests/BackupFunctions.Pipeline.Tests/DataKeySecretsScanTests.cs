using System.Diagnostics;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// The secrets scan of scripts/test.sh also looks for the per-backup data keys: the test fixtures unwrap the data key
/// of every artifact they made into the secrets ledger (<see cref="TestSecrets.RegisterDataKeysUnderAsync"/>), and
/// scripts/scan-secrets.py fails on any ledger line found in a log. Here a real artifact's data key is planted in a
/// log, so the scan must fail; the same log without it passes.
/// </summary>
public sealed class DataKeySecretsScanTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bf-dek-scan-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_data_key_of_a_backup_planted_in_a_log_fails_the_secrets_scan_and_the_clean_log_passes()
    {
        var keyFile = Path.Combine(_root, "kek.json");
        KeyFile.Generate(keyFile, "scan-key", current: true);
        var artifacts = Directory.CreateDirectory(Path.Combine(_root, "local")).FullName;
        var artifact = Path.Combine(artifacts, "20261205T000000Z-abcdef12.bfa");
        await using (var output = File.Create(artifact))
        {
            await ArtifactEncoder.EncodeAsync(new MemoryStream("a table's rows"u8.ToArray()), output, new ArtifactEncodeOptions(KeyRing.FromFile(keyFile).Current));
        }

        // A file that is not an artifact (a test damaged it) is skipped, not a failure.
        await File.WriteAllTextAsync(Path.Combine(artifacts, "damaged.bfa"), "not an artifact");
        var ledger = Path.Combine(_root, "ledger");

        Assert.Equal(1, await TestSecrets.RegisterDataKeysUnderAsync(artifacts, keyFile, ledger));

        // The ledger holds this artifact's data key, as read independently from its header.
        await using var stream = File.OpenRead(artifact);
        var dataKey = (await ArtifactHeader.ReadAsync(stream, CancellationToken.None)).UnwrapDataKey(KeyRing.FromFile(keyFile));
        var lines = await File.ReadAllLinesAsync(ledger);
        Assert.Contains(Convert.ToBase64String(dataKey), lines);
        Assert.Contains(Convert.ToHexStringLower(dataKey), lines);

        var logs = Directory.CreateDirectory(Path.Combine(_root, "TestResults")).FullName;
        var log = Path.Combine(logs, "host.log");
        await File.WriteAllTextAsync(log, "info: backup 20261205T000000Z-abcdef12 verified on local\n");
        var (clean, _) = await ScanAsync(ledger, logs);
        Assert.Equal(0, clean);

        await File.AppendAllTextAsync(log, $"debug: unwrapped data key {Convert.ToHexStringLower(dataKey)}\n");
        var (leaked, output2) = await ScanAsync(ledger, logs);
        Assert.Equal(1, leaked);
        Assert.Contains("secret made by a test", output2);
        Assert.Contains("host.log:2", output2);
    }

    private static async Task<(int ExitCode, string Output)> ScanAsync(string ledger, string path)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "scan-secrets.py"));
        start.ArgumentList.Add("--ledger");
        start.ArgumentList.Add(ledger);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
