using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline.Tests;

public sealed class PgClientVersionTests
{
    [Theory]
    [InlineData("pg_restore (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", 15, 18)]
    [InlineData("psql (PostgreSQL) 17.6", 17, 6)]
    [InlineData("pg_dump (PostgreSQL) 18beta2", 18, 0)]
    [InlineData("pg_restore (PostgreSQL) 9.6.24", 9, 6)]
    public void ParsesTheVersionLine(string line, int major, int minor)
    {
        var v = PgClientVersion.Parse(line)!;
        Assert.Equal((major, minor), (v.Major, v.Minor));
        Assert.Equal(line, v.Text);
    }

    [Fact]
    public void ALineWithoutAVersionGivesNull() => Assert.Null(PgClientVersion.Parse("bash: pg_restore: command not found"));

    [Theory]
    [InlineData(15, 13, false)]
    [InlineData(15, 14, true)]
    [InlineData(16, 9, false)]
    [InlineData(16, 10, true)]
    [InlineData(17, 5, false)]
    [InlineData(17, 6, true)]
    [InlineData(13, 22, true)]
    [InlineData(12, 22, false)]
    [InlineData(18, 0, true)]
    public void KnowsWhichPsqlUnderstandsRestrict(int major, int minor, bool knows) =>
        Assert.Equal(knows, new PgClientVersion(major, minor, "").KnowsRestrictCommands);
}
