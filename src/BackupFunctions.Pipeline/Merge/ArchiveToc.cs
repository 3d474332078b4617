using System.Globalization;

namespace BackupFunctions.Pipeline.Merge;

/// <summary>Reads the table of contents that <c>pg_restore --list</c> prints, and writes a list file for <c>--use-list</c>.</summary>
public static class ArchiveToc
{
    // Descriptions of more than one word that can precede the schema; the rest are one word.
    private static readonly string[] MultiWordDescriptions =
        ["TABLE DATA", "SEQUENCE SET", "SEQUENCE OWNED BY", "FK CONSTRAINT", "DEFAULT ACL", "MATERIALIZED VIEW DATA",
         "BLOB DATA", "LARGE OBJECT", "ROW SECURITY", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY",
         "FOREIGN TABLE", "FOREIGN DATA WRAPPER", "SERVER", "USER MAPPING", "EVENT TRIGGER", "PUBLICATION TABLE",
         "PUBLICATION TABLES IN SCHEMA", "ACCESS METHOD", "SEARCHPATH", "ENCODING", "STDSTRINGS"];

    /// <summary>The entries, in archive order; comment lines (";") and blank lines are skipped.</summary>
    public static IReadOnlyList<TocEntry> Parse(string listText)
    {
        var entries = new List<TocEntry>();
        foreach (var raw in listText.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith(';'))
            {
                continue;
            }

            var semicolon = line.IndexOf(';', StringComparison.Ordinal);
            if (semicolon <= 0 || !int.TryParse(line.AsSpan(0, semicolon), NumberStyles.None, CultureInfo.InvariantCulture, out var dumpId))
            {
                throw new FormatException($"pg_restore --list printed a line this program does not understand: '{line}'.");
            }

            // "<catalog oid> <object oid> <description> <rest>"
            var parts = line[(semicolon + 1)..].TrimStart().Split(' ', 3);
            if (parts.Length < 3)
            {
                throw new FormatException($"pg_restore --list printed a line this program does not understand: '{line}'.");
            }

            var tail = parts[2];
            var description = MultiWordDescriptions.FirstOrDefault(d => tail == d || tail.StartsWith(d + " ", StringComparison.Ordinal))
                ?? tail.Split(' ', 2)[0];
            var rest = tail.Length > description.Length ? tail[(description.Length + 1)..] : "";
            entries.Add(new TocEntry(dumpId, description, rest, line));
        }

        return entries;
    }

    /// <summary>A list file that restores exactly <paramref name="entries"/>, in the given order (pg_restore follows the file's order).</summary>
    public static string WriteList(IEnumerable<TocEntry> entries) =>
        string.Concat(entries.Select(e => e.Line + "\n"));
}
