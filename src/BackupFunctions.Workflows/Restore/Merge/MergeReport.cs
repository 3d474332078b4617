using System.Globalization;
using System.Text;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>Reads the row counts the merge's epilogue wrote (psql <c>\copy … WITH (FORMAT csv)</c>) from inside its transaction.</summary>
public static class MergeReport
{
    public static IReadOnlyList<MergeTableCheck> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        return File.ReadAllLines(path).Where(l => l.Length > 0).Select(Fields).Select(f => new MergeTableCheck(
            f[0], f[1] == "t", Long(f[2]), Long(f[3]), Long(f[4]), Long(f[5]), Long(f[6]), Long(f[7]))).ToList();
    }

    private static long Long(string s) => s.Length == 0 ? 0 : long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>One CSV record as PostgreSQL writes it: fields quoted with '"' when needed, '""' inside quotes.</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }

        fields.Add(field.ToString());
        return fields.Count == 8 ? fields : throw new FormatException($"Unexpected merge report line: '{line}'.");
    }
}
