namespace BackupFunctions.Testing;

/// <summary>
/// The secrets the tests make (passwords of their roles, key-encryption keys), written to the ledger
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

    public static void Register(string secret)
    {
        if (Environment.GetEnvironmentVariable(LedgerVariable) is not { Length: > 0 } ledger || string.IsNullOrWhiteSpace(secret))
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
