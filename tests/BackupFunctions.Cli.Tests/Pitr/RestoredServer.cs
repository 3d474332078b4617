using Npgsql;

namespace BackupFunctions.Cli.Tests.Pitr;

/// <summary>Queries a server a PITR restore started on <c>port</c>: which batches of <c>items</c> came back, and statements to prove it is writable.</summary>
internal static class RestoredServer
{
    public static async Task<SortedDictionary<int, long>> BatchesAsync(int port)
    {
        await using var conn = new NpgsqlConnection(ConnectionString(port));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT batch, count(*) FROM items GROUP BY batch", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var result = new SortedDictionary<int, long>();
        while (await reader.ReadAsync()) result[reader.GetInt32(0)] = reader.GetInt64(1);
        return result;
    }

    public static async Task ExecuteAsync(int port, string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString(port));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static string ConnectionString(int port) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = port, Username = "postgres", Password = "postgres", Database = "postgres", Pooling = false,
    }.ConnectionString;
}
