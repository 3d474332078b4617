using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Cli.Tests.Pitr;

/// <summary>
/// A throwaway PostgreSQL 15 cluster (Debian's server, the one with pg_basebackup) whose
/// archive_command is the real <c>backupctl wal push</c> with a given config. Run as the postgres
/// user when the tests run as root (initdb refuses root), in a temporary directory that user owns.
/// </summary>
public sealed class ArchivingCluster : IAsyncDisposable
{
    private ArchivingCluster(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    public int Port { get; }

    public static bool IsRoot => Environment.UserName == "root";

    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Password = "postgres", Database = database, Pooling = false,
    }.ConnectionString;

    /// <param name="archiveCommand">archive_command, with %p where PostgreSQL puts the file's path.</param>
    public static async Task<ArchivingCluster> StartAsync(string directory, int port, string archiveCommand)
    {
        var cluster = new ArchivingCluster(directory, port);
        await RunAsync("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        await File.AppendAllTextAsync(Path.Combine(cluster.DataDirectory, "postgresql.auto.conf"), string.Join('\n',
            "listen_addresses = '127.0.0.1'",
            string.Create(CultureInfo.InvariantCulture, $"port = {port}"),
            $"unix_socket_directories = '{directory}'",
            "wal_level = replica",
            "archive_mode = on",
            $"archive_command = '{archiveCommand.Replace("'", "''")}'",
            // Durability off for speed: nothing here must survive a crash of the test machine.
            "fsync = off", "synchronous_commit = off", "full_page_writes = on", "shared_buffers = 32MB", "max_connections = 20", ""));
        await RunAsync("pg_ctl", ["-D", cluster.DataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "start"]);
        return cluster;
    }

    /// <summary>A free port: the next of BF_PITR_PORT_BASE (a range reserved for these tests) or any the OS gives.</summary>
    public static int NextPort(ref int offset)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("BF_PITR_PORT_BASE"), out var basePort)) return basePort + offset++;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<T> ScalarAsync<T>(string sql, string database = "postgres")
    {
        await using var conn = new NpgsqlConnection(ConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public string ServerLog => File.Exists(Path.Combine(Directory, "server.log")) ? File.ReadAllText(Path.Combine(Directory, "server.log")) : "";

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try { await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]); }
            catch (InvalidOperationException) { /* already stopped */ }
        }
    }

    /// <summary>Stops a server in another data directory (a restored one), if it runs.</summary>
    public static async Task StopAsync(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid"))) return;
        try { await RunAsync("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"]); }
        catch (InvalidOperationException) { /* already stopped */ }
    }

    public static async Task ChownAsync(string path)
    {
        if (IsRoot) await ExecAsync("chown", ["-R", "postgres:postgres", path], asPostgres: false);
    }

    private static Task RunAsync(string tool, IReadOnlyList<string> args) => ExecAsync(Path.Combine(TestServices.PgBin, tool), args, IsRoot);

    private static async Task ExecAsync(string exe, IReadOnlyList<string> args, bool asPostgres)
    {
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres) foreach (var a in new[] { "-u", "postgres", "--", exe }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Neither the host's PG* variables nor its BackupFunctions settings may reach the server or its archive_command.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)
            || k.StartsWith("BackupFunctions__", StringComparison.OrdinalIgnoreCase) || k == "BACKUPFUNCTIONS_CONFIG").ToList())
            psi.Environment.Remove(key);
        psi.Environment["LC_MESSAGES"] = "C";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(exe)} {string.Join(' ', args)} exited with {p.ExitCode}:\n{await stderr}\n{await stdout}");
    }
}
