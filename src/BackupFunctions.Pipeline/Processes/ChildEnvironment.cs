using System.Collections;

namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// The environment pg_dump, pg_restore, psql and pg_dumpall start with: an allow-list, not the
/// parent's environment minus a deny-list. The parent holds the key-encryption keys (BF_KEK_*),
/// target credentials, the admin key and the source connection string, none of which a client
/// program needs, and any of which it would hand on to whatever it starts or leave in
/// /proc/&lt;pid&gt;/environ for the same user to read.
/// </summary>
public static class ChildEnvironment
{
    /// <summary>Passed on as they are: finding programs and libraries, the home directory (for ~/.pgpass), time zone, temp directory.</summary>
    private static readonly string[] Plain = ["PATH", "HOME", "TZ", "TMPDIR", "LD_LIBRARY_PATH"];

    /// <summary>
    /// libpq variables that only say where files are: the password file and the TLS client
    /// certificate, key, root certificate and revocation list. They cannot point a run at another
    /// server or database (PGHOST, PGDATABASE, PGOPTIONS, PGSERVICE... stay out: the connection is
    /// always given explicitly).
    /// </summary>
    private static readonly string[] LibpqFiles = ["PGPASSFILE", "PGSSLCERT", "PGSSLKEY", "PGSSLROOTCERT", "PGSSLCRL", "PGSSLCRLDIR"];

    /// <summary>Whether a parent variable of this name is passed on to a client program.</summary>
    public static bool IsAllowed(string name) =>
        Plain.Contains(name, StringComparer.Ordinal)
        || LibpqFiles.Contains(name, StringComparer.Ordinal)
        // Locale categories, but not LC_ALL, which would override the LC_MESSAGES=C stderr classification relies on.
        || (name.StartsWith("LC_", StringComparison.Ordinal) && name != "LC_ALL");

    /// <summary>
    /// Replaces <paramref name="target"/> (a ProcessStartInfo.Environment, pre-filled with the
    /// parent's variables) with the allowed subset of <paramref name="parent"/>, then sets the locale
    /// the stderr classification needs. The caller adds what it sets on purpose (PGPASSWORD of the run).
    /// </summary>
    public static void Apply(IDictionary<string, string?> target, IDictionary? parent = null)
    {
        parent ??= Environment.GetEnvironmentVariables();
        target.Clear();
        foreach (DictionaryEntry kv in parent)
        {
            if (kv.Key is string name && kv.Value is string value && IsAllowed(name))
            {
                target[name] = value;
            }
        }

        // Messages in English, so stderr classification works whatever the host's locale.
        target["LC_MESSAGES"] = "C";
        target["LANG"] = "C.UTF-8";
    }
}
