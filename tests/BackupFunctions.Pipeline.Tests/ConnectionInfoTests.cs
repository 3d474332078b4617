using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline.Tests;

public class ConnectionInfoTests
{
    [Fact]
    public void ConninfoQuotesValuesAndNeverHoldsThePassword()
    {
        var c = new PgConnectionInfo("db.example", 5433, "o'brien", "p@ss w'rd", @"we'ird \db") { Options = "-c app.tenant_id=42" };
        var conninfo = c.ToConnInfo();
        Assert.Contains(@"user='o\'brien'", conninfo);
        Assert.Contains(@"dbname='we\'ird \\db'", conninfo);
        Assert.Contains("options='-c app.tenant_id=42'", conninfo);
        Assert.DoesNotContain("p@ss", conninfo);
        Assert.DoesNotContain("p@ss", c.ToString());
        Assert.Equal("o'brien@db.example:5433/we'ird \\db", c.ToString());
    }

    [Fact]
    public void RoundTripsThroughAnNpgsqlConnectionString()
    {
        var c = PgConnectionInfo.FromConnectionString("Host=h;Port=6000;Username=u;Password=pw;Database=d;SSL Mode=Require;Timeout=7");
        Assert.Equal(("h", 6000, "u", "pw", "d", "require", 7), (c.Host, c.Port, c.Username, c.Password, c.Database, c.SslMode, c.ConnectTimeoutSeconds));
        var back = PgConnectionInfo.FromConnectionString(c.ToNpgsqlConnectionString());
        Assert.Equal(c, back);
        Assert.Null(PgConnectionInfo.FromConnectionString("Host=h;Username=u;Database=d").SslMode);
    }

    [Fact]
    public void A_setting_is_added_after_the_options_already_given()
    {
        var tenant = new PgConnectionInfo("h", 5432, "u", null, "d") { Options = "-c app.tenant_id=42" };

        Assert.Equal("-c app.tenant_id=42 -c synchronous_commit=off", tenant.WithSetting("synchronous_commit", "off").Options);
        Assert.Equal("-c synchronous_commit=off", (tenant with { Options = null }).WithSetting("synchronous_commit", "off").Options);
        Assert.Equal("-c app.tenant_id=42", tenant.Options);
    }
}
