using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BackupFunctions.Testing;

/// <summary>
/// A throwaway PostgreSQL server of another major version, for version-skew tests: the server
/// binaries (initdb, pg_ctl, postgres; no client programs) that scripts/services.sh installs with
/// npm under scripts/services/node_modules/pg{major}/native/bin. It gets a temporary data directory
/// and a free port on 127.0.0.1, and is stopped and deleted on dispose.
/// </summary>
/// <remarks>
/// initdb refuses to run as root, so as root the programs run as the postgres user (via runuser),
/// which owns the temporary directory. Authentication is <c>trust</c>: the server listens on the
/// loopback address only and lives for one test class, and initdb stays cheap without a password
/// file. Durability settings are off for speed; nothing here needs to survive a crash.
/// </remarks>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string User = "postgres";
    /// <summary>Any password is accepted (trust); this one keeps connection strings complete.</summary>
    public const string Password = "postgres";

    private readonly string _directory;
    private readonly string _bin;

    private EmbeddedPostgres(int major, int port, string directory, string bin)
    {
        Major = major;
        Port = port;
        _directory = directory;
        _bin = bin;
    }

    public int Major { get; }
    public string Host => "127.0.0.1";
    public int Port { get; }
    /// <summary>The server's <c>server_version</c>, e.g. "17.10".</summary>
    public string Version { get; private set; } = "";

    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = User,
        Password = Password,
        Database = database,
        Pooling = false,
    }.ConnectionString;

    /// <summary>Where the server binaries of <paramref name="major"/> are installed.</summary>
    public static string BinDirectory(int major) => Path.Combine(RepoPaths.NodeModules, $"pg{major}", "native", "bin");

    public static Task<EmbeddedPostgres> StartAsync(int major, CancellationToken ct = default) => StartAsync(major, BinDirectory(major), ct);

    /// <summary>
    /// A cluster of the machine's own PostgreSQL (the one whose pg_dump the tests use, <see cref="TestServices.PgBin"/>),
    /// for a test that must stop or restart its server without touching the shared one other tests use.
    /// </summary>
    public static Task<EmbeddedPostgres> StartOwnClusterAsync(CancellationToken ct = default) =>
        StartAsync(int.Parse(Path.GetFileName(Path.GetDirectoryName(TestServices.PgBin.TrimEnd('/')))!, CultureInfo.InvariantCulture), TestServices.PgBin, ct);

    /// <summary>pg_ctl restart -m fast: every session is terminated (a running pg_dump sees its connection end), the server comes back on the same port.</summary>
    public Task RestartAsync(CancellationToken ct = default) =>
        RunToolAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-l", Path.Combine(_directory, "server.log"), "-m", "fast", "-w", "-t", "60", "restart"], ct);

    private static async Task<EmbeddedPostgres> StartAsync(int major, string bin, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(bin, "initdb")))
            throw new InvalidOperationException($"No PostgreSQL {major} server binaries in {bin}: run scripts/services.sh up (its npm ci installs them).");

        var directory = Directory.CreateTempSubdirectory($"bf-pg{major}-").FullName;
        var server = new EmbeddedPostgres(major, FreePort(), directory, bin);
        try
        {
            if (IsRoot) await RunAsync("chown", ["-R", "postgres:postgres", directory], asPostgres: false, ct);
            var data = Path.Combine(directory, "data");
            await server.RunToolAsync("initdb", ["-D", data, "-U", User, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], ct);
            var settings = string.Join(' ',
                "-c listen_addresses=127.0.0.1", $"-c port={server.Port}", $"-c unix_socket_directories={directory}",
                "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=30", "-c shared_buffers=32MB");
            await server.RunToolAsync("pg_ctl", ["-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "-o", settings, "start"], ct);

            await using var conn = new NpgsqlConnection(server.ConnectionString());
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SHOW server_version", conn);
            server.Version = (string)(await cmd.ExecuteScalarAsync(ct))!;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString());
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        var data = Path.Combine(_directory, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            // Immediate: the data is thrown away next, so a clean shutdown would only cost time.
            try { await RunToolAsync("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], CancellationToken.None); }
            catch (InvalidOperationException) { /* already stopped */ }
        }
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a file still held; the temp directory is cleaned up anyway */ }
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> args, CancellationToken ct) =>
        RunAsync(Path.Combine(_bin, tool), args, asPostgres: IsRoot, ct);

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task RunAsync(string exe, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add("postgres");
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(exe);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The host's PG* variables must not point these programs at another server or directory.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        psi.Environment["LC_MESSAGES"] = "C";

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var (output, errors) = (await stdout, await stderr);
        if (p.ExitCode != 0)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(exe)} {string.Join(' ', args)} exited with {p.ExitCode}:\n{errors}\n{output}"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
