using Azure.Core;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog.Postgres;
using BackupFunctions.Workflows.Configuration;
using Npgsql;

namespace BackupFunctions.Workflows.Tests.Catalog;

/// <summary>
/// Control:Authentication on the real PostgreSQL: with EntraId the credential's token is the password (here a role
/// whose password is the fake token stands in for Azure's Entra ID sign-in), with Password it is never asked.
/// </summary>
public sealed class ControlDataSourceTests : IAsyncLifetime
{
    private readonly string _role = "entra_app_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _token = "eyJ0eXAi." + Guid.NewGuid().ToString("N");

    public async Task InitializeAsync() => await AdminAsync($"CREATE ROLE {_role} LOGIN PASSWORD '{_token}'");

    public async Task DisposeAsync() => await AdminAsync($"DROP ROLE IF EXISTS {_role}");

    [Fact]
    public async Task EntraIdSignsInWithTheCredentialsToken()
    {
        var credential = new FakeCredential(_token);
        var options = new ControlOptions { ConnectionString = ConnectionStringWithoutPassword(), Authentication = "EntraId" };

        await using var source = ControlDataSource.Create(options, credential);
        await using var conn = await source.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("SELECT current_user", conn);

        Assert.Equal(_role, await cmd.ExecuteScalarAsync());
        Assert.Equal([ControlDataSource.TokenScope], credential.Scopes.Distinct());
    }

    [Fact]
    public async Task AWrongTokenIsRefused()
    {
        var options = new ControlOptions { ConnectionString = ConnectionStringWithoutPassword(), Authentication = "EntraId" };

        await using var source = ControlDataSource.Create(options, new FakeCredential("not-the-token"));

        var e = await Assert.ThrowsAsync<PostgresException>(async () => await source.OpenConnectionAsync());
        Assert.Equal("28P01", e.SqlState); // invalid_password
    }

    [Fact]
    public async Task PasswordUsesTheConnectionStringAndNeverAsksForAToken()
    {
        var credential = new FakeCredential("unused");
        var options = new ControlOptions { ConnectionString = TestServices.PgConnectionString(user: _role, password: _token) };

        await using var source = ControlDataSource.Create(options, credential);
        await using var conn = await source.OpenConnectionAsync();

        Assert.Empty(credential.Scopes);
    }

    [Fact]
    public void BadSettingsSayWhatToChange()
    {
        var unknown = Assert.Throws<InvalidOperationException>(() =>
            ControlDataSource.Create(new ControlOptions { ConnectionString = ConnectionStringWithoutPassword(), Authentication = "Kerberos" }));
        Assert.Contains("Control:Authentication 'Kerberos' is not known", unknown.Message);

        var both = Assert.Throws<InvalidOperationException>(() =>
            ControlDataSource.Create(new ControlOptions { ConnectionString = TestServices.PgConnectionString(), Authentication = "EntraId" }, new FakeCredential("t")));
        Assert.Contains("has a password", both.Message);
        Assert.DoesNotContain(TestServices.PgPassword + ";", both.Message);
    }

    private string ConnectionStringWithoutPassword() =>
        new NpgsqlConnectionStringBuilder(TestServices.PgConnectionString(user: _role)) { Password = null }.ConnectionString;

    private static async Task AdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Hands out a fixed token and records the scopes asked for.</summary>
    private sealed class FakeCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }

            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
