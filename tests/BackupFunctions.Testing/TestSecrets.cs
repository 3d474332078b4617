using System.Security.Cryptography;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Testing;

/// <summary>
/// The secrets the tests make (passwords of their roles, key-encryption keys, and the per-backup data keys of the
/// artifacts they wrote, unwrapped from each artifact's header when its fixture is disposed), written to the ledger
/// file named by BF_SECRETS_LEDGER when scripts/test.sh sets it. After the tests,
/// scripts/scan-secrets.py looks for each of them in every log and output the suite produced: a hit is a
/// secret that leaked. Without the variable (a single test run from an IDE) nothing is written.
/// </summary>
public static class TestSecrets
{
    public const string LedgerVariable = "BF_SECRETS_LEDGER";

    private static readonly object Gate = new();

    /// <summary>The key of a key file (its "key" property, base64).</summary>
    public static void RegisterKeyFile(string path)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        Register(json.RootElement.GetProperty("key").GetString() ?? "");
    }

    /// <summary>
    /// The data key (DEK) of every artifact under <paramref name="directory"/> that <paramref name="keyFile"/> unwraps, in
    /// the forms a leak would take: base64 and hex. Artifacts a test damaged on purpose, or wrapped with another key,
    /// are skipped. <paramref name="ledger"/> defaults to the one BF_SECRETS_LEDGER names; without either, nothing is done.
    /// </summary>
    public static async Task<int> RegisterDataKeysUnderAsync(string directory, string keyFile, string? ledger = null)
    {
        ledger ??= Environment.GetEnvironmentVariable(LedgerVariable);
        if (string.IsNullOrEmpty(ledger) || !Directory.Exists(directory) || !File.Exists(keyFile))
        {
            return 0;
        }

        var ring = KeyRing.FromFile(keyFile);
        var found = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*.bfa*", SearchOption.AllDirectories))
        {
            try
            {
                await using var artifact = File.OpenRead(path);
                var header = await ArtifactHeader.ReadAsync(artifact, CancellationToken.None);
                var dataKey = header.UnwrapDataKey(ring);
                Register(Convert.ToBase64String(dataKey), ledger);
                Register(Convert.ToHexStringLower(dataKey), ledger);
                Register(Convert.ToHexString(dataKey), ledger);
                found++;
            }
            catch (Exception e) when (e is ArtifactIntegrityException or WrongKeyException or UnknownKeyException or CryptographicException or IOException)
            {
                // Not an artifact this key opens: nothing of ours to look for.
            }
        }

        return found;
    }

    public static void Register(string secret) => Register(secret, Environment.GetEnvironmentVariable(LedgerVariable));

    private static void Register(string secret, string? ledger)
    {
        if (string.IsNullOrEmpty(ledger) || string.IsNullOrWhiteSpace(secret))
        {
            return;
        }

        // Several test processes append at once: one short line per call, appended whole.
        lock (Gate)
        {
            File.AppendAllText(ledger, secret.Trim() + "\n");
        }
    }
}
