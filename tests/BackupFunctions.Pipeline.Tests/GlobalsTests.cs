using System.Text;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Pipeline.Tests;

public class GlobalsTests
{
    [Fact]
    public async Task GlobalsAreDumpedThroughTheEncoderWithoutPasswords()
    {
        var ring = new KeyRing().Add(TestKeys.Fixed("g", 3), makeCurrent: true);
        var role = "bf_role_" + Guid.NewGuid().ToString("N")[..8];
        await ExecAsync($"CREATE ROLE {role} LOGIN PASSWORD 'role-secret-pw'");
        try
        {
            using var artifact = new MemoryStream();
            var result = await new BackupPipeline(Pg.Runner()).DumpGlobalsAsync(Pg.Connection("postgres"), artifact, new ArtifactEncodeOptions(ring.Current));
            using var plain = new MemoryStream();
            await ArtifactDecoder.DecodeToAsync(new MemoryStream(artifact.ToArray()), ring, plain, result.StoredSha256);
            var sql = Encoding.UTF8.GetString(plain.ToArray());
            Assert.Contains($"CREATE ROLE {role};", sql);
            Assert.DoesNotContain("PASSWORD 'SCRAM", sql, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("role-secret-pw", sql);
        }
        finally
        {
            await ExecAsync($"DROP ROLE {role}");
        }
    }

    private static async Task ExecAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
