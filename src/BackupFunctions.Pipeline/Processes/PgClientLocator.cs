using System.Globalization;

namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// Finds PostgreSQL client programs: a configured bin directory, else the highest version under
/// /usr/lib/postgresql/*/bin (Debian/Ubuntu layout). Lists every installed version so that restore
/// and DR can pick the client by server version.
/// </summary>
public sealed class PgClientLocator
{
    public const string DefaultSearchRoot = "/usr/lib/postgresql";
    private readonly string? _binDirectory;
    private readonly string _searchRoot;

    public PgClientLocator(string? binDirectory = null, string? searchRoot = null)
    {
        _binDirectory = string.IsNullOrWhiteSpace(binDirectory) ? null : Path.GetFullPath(binDirectory);
        _searchRoot = searchRoot ?? DefaultSearchRoot;
    }

    public string? ConfiguredBinDirectory => _binDirectory;

    /// <summary>Installed clients under the search root, lowest major first.</summary>
    public IReadOnlyList<PgClientInstallation> ListInstalled()
    {
        if (!Directory.Exists(_searchRoot)) return [];
        return Directory.EnumerateDirectories(_searchRoot)
            .Select(d => (Dir: d, Ok: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var m), Major: m))
            .Where(x => x.Ok && File.Exists(Path.Combine(x.Dir, "bin", "pg_dump")))
            .OrderBy(x => x.Major)
            .Select(x => new PgClientInstallation(x.Major, Path.Combine(x.Dir, "bin")))
            .ToList();
    }

    /// <summary>The configured bin directory, else the highest installed version.</summary>
    public PgClientInstallation Default
    {
        get
        {
            if (_binDirectory is not null) return new PgClientInstallation(GuessMajor(_binDirectory), _binDirectory);
            return ListInstalled().LastOrDefault() ?? throw new PgToolException(PgTool.PgDump, PgFailureKind.ToolNotFound, null,
                $"no PostgreSQL client programs under {_searchRoot}/*/bin and no client bin directory configured.", "",
                PgToolException.Advice(PgFailureKind.ToolNotFound, null));
        }
    }

    /// <summary>
    /// The client to use against a server of <paramref name="serverMajor"/>: the same major if
    /// installed, else the lowest newer one (pg_dump must be at least the server's version; a newer
    /// pg_restore needs SET filtering on older servers), else null. A configured bin directory wins,
    /// unless its path shows it is older than the server (…/15/bin for a 16 server): pg_dump would
    /// only fail later with "server version mismatch".
    /// </summary>
    public PgClientInstallation? ForServer(int serverMajor)
    {
        if (_binDirectory is not null)
        {
            var configured = Default;
            return configured.Major != 0 && configured.Major < serverMajor ? null : configured;
        }
        var all = ListInstalled();
        return all.FirstOrDefault(i => i.Major == serverMajor) ?? all.FirstOrDefault(i => i.Major > serverMajor);
    }

    /// <summary>
    /// The client to restore into a server of <paramref name="serverMajor"/>: as <see cref="ForServer"/>
    /// (same major, else the lowest newer one, whose SET statements the restore filters), else the
    /// highest installed, which is older than the server; pg_restore and psql of an older major
    /// restore into a newer server, as long as they can read the archive.
    /// </summary>
    public PgClientInstallation ForRestore(int serverMajor) => ForServer(serverMajor) ?? Default;

    /// <summary>What is installed, for messages: the configured directory, else the majors found.</summary>
    public string DescribeInstalled() => _binDirectory is not null
        ? $"{_binDirectory} (PostgreSQL {(Default.Major == 0 ? "?" : Default.Major.ToString(CultureInfo.InvariantCulture))})"
        : string.Join(", ", ListInstalled().Select(i => i.Major.ToString(CultureInfo.InvariantCulture)));

    private static int GuessMajor(string binDir)
    {
        // /usr/lib/postgresql/15/bin → 15
        var parent = Path.GetFileName(Path.GetDirectoryName(binDir.TrimEnd('/')) ?? "");
        return int.TryParse(parent, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
    }
}
