using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>Which installed client a restore picks for a server version, over a fake /usr/lib/postgresql.</summary>
public sealed class PgClientLocatorRestoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bf-locator-").FullName;

    private PgClientLocator Installed(params int[] majors)
    {
        foreach (var m in majors)
        {
            var bin = Directory.CreateDirectory(Path.Combine(_root, m.ToString(System.Globalization.CultureInfo.InvariantCulture), "bin")).FullName;
            File.WriteAllText(Path.Combine(bin, "pg_dump"), "");
        }
        return new PgClientLocator(searchRoot: _root);
    }

    [Theory]
    [InlineData(14, 14)] // the same major
    [InlineData(15, 16)] // else the lowest newer (its SET statements get filtered)
    [InlineData(13, 14)]
    [InlineData(17, 16)] // else the highest older: an older pg_restore restores into a newer server
    [InlineData(18, 16)]
    public void ARestorePicksTheSameMajorElseTheLowestNewerElseTheHighestOlder(int server, int expected)
    {
        var locator = Installed(14, 16);
        Assert.Equal(expected, locator.ForRestore(server).Major);
    }

    [Fact]
    public void AConfiguredDirectoryWinsForRestoreButNotForDumpingANewerServer()
    {
        Installed(14, 16);
        var configured = new PgClientLocator(Path.Combine(_root, "14", "bin"), searchRoot: _root);
        Assert.Equal(14, configured.ForRestore(16).Major);
        Assert.Null(configured.ForServer(16));
        Assert.Equal(14, configured.ForServer(13)!.Major);
        Assert.Contains("(PostgreSQL 14)", configured.DescribeInstalled());

        // A directory whose path names no version is trusted as configured.
        var custom = Directory.CreateDirectory(Path.Combine(_root, "custom", "bin")).FullName;
        Assert.Equal(custom, new PgClientLocator(custom, searchRoot: _root).ForServer(18)!.BinDirectory);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
