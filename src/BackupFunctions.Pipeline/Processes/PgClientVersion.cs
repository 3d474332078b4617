using System.Globalization;
using System.Text.RegularExpressions;

namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// A client program's version, from its <c>--version</c> line ("pg_restore (PostgreSQL) 17.6 (Debian …)").
/// The restore path decides by it, not by the directory the program sits in, which may say nothing.
/// </summary>
public sealed partial record PgClientVersion(int Major, int Minor, string Text)
{
    /// <summary>Parses a <c>--version</c> line; null if it names no version. "18beta2" gives 18.0, "9.6.24" gives 9.6.</summary>
    public static PgClientVersion? Parse(string versionLine)
    {
        var m = VersionPattern().Match(versionLine);
        if (!m.Success) return null;
        var major = int.Parse(m.Groups["major"].Value, CultureInfo.InvariantCulture);
        var minor = m.Groups["minor"].Success ? int.Parse(m.Groups["minor"].Value, CultureInfo.InvariantCulture) : 0;
        return new PgClientVersion(major, minor, versionLine.Trim());
    }

    /// <summary>
    /// Whether this psql knows <c>\restrict</c> and <c>\unrestrict</c>, which scripts from the
    /// August 2025 minor releases on contain (13.22, 14.19, 15.14, 16.10, 17.6, and 18).
    /// </summary>
    public bool KnowsRestrictCommands => Major switch
    {
        >= 18 => true,
        17 => Minor >= 6,
        16 => Minor >= 10,
        15 => Minor >= 14,
        14 => Minor >= 19,
        13 => Minor >= 22,
        _ => false,
    };

    public override string ToString() => Text;

    [GeneratedRegex(@"\(PostgreSQL\)\s+(?<major>\d+)(?:\.(?<minor>\d+))?")]
    private static partial Regex VersionPattern();
}
