using Npgsql;

namespace BackupFunctions.Testing;

/// <summary>
/// A database of its own for one test on the real server, dropped (forcefully) on dispose.
/// </summary>
public sealed class TempDatabase : IAsyncDisposable
{
    private TempDatabase(string name) => Name = name;

    public string Name { get; }

    public string ConnectionString => TestServices.PgConnectionString(Name);

    public static async Task<TempDatabase> CreateAsync(string prefix = "t", CancellationToken ct = default)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 1 + 20, 63)].ToLowerInvariant();
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync(ct);
        return new TempDatabase(name);
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, typeof(T));
    }

    public async ValueTask DisposeAsync()
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
