using System.Net;
using System.Security.Cryptography;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// A files backup and its restore through the HTTP API in the self-hosted host (the Durable Task Framework on
/// Azurite, real targets): POST /api/restores with targetDirectory writes the files back below
/// Restore:FilesDirectory, byte for byte; a directory outside it, or a restore without the admin key, is refused.
/// </summary>
public sealed class FilesRestoreHttpTests
{
    [Fact]
    public async Task A_files_backup_restores_over_http_into_a_directory_byte_for_byte()
    {
        await using var source = await TempDatabase.CreateAsync("e2efrst");
        await using var control = await TempDatabase.CreateAsync("e2ectl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        var config = Directory.CreateDirectory(Path.Combine(targets.Root, "etc-app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(config, "app.conf"), "listen = 5432\n");
        Directory.CreateDirectory(Path.Combine(config, "keys"));
        var binary = RandomNumberGenerator.GetBytes(40_000);
        await File.WriteAllBytesAsync(Path.Combine(config, "keys", "server.der"), binary);
        targets.Options.Files = new FilesOptions { Paths = [config] };
        var restores = Path.Combine(targets.Root, "restores");
        targets.Options.Restore.FilesDirectory = restores;
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var admin = host.Client(TestKeys.Admin);
        var backup = (await HttpRuns.CompleteAsync(admin, "/api/backups", """{"kind":"files"}""")).GetProperty("output");
        Assert.Equal("Succeeded", backup.Str("status"));

        var outside = await admin.PostAsync("/api/restores", HttpJson.Body("""{"backupId":"latest","targetDirectory":"../elsewhere"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        var notAdmin = await host.Client(TestKeys.Function).PostAsync("/api/restores", HttpJson.Body("""{"backupId":"latest","targetDirectory":"out"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);

        var restore = (await HttpRuns.CompleteAsync(admin, "/api/restores", $$"""{"backupId":"{{backup.Str("backupId")}}","targetDirectory":"out"}""")).GetProperty("output");

        Assert.True(restore.GetProperty("succeeded").GetBoolean(), restore.ToString());
        Assert.Equal(2, restore.GetProperty("filesRestored").GetInt32());
        var written = Path.Combine(restores, "out", config.TrimStart('/'));
        Assert.Equal(Path.Combine(restores, "out"), restore.Str("targetDirectory"));
        Assert.Equal("listen = 5432\n", await File.ReadAllTextAsync(Path.Combine(written, "app.conf")));
        Assert.Equal(binary, await File.ReadAllBytesAsync(Path.Combine(written, "keys", "server.der")));
        Assert.False(Directory.Exists(Path.Combine(targets.Root, "elsewhere")));
    }
}
