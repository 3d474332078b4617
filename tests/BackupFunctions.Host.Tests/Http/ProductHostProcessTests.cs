using System.Net;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Testing;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>
/// The shipped BackupFunctions.Host.dll, started with `dotnet` and the product composition (AddBackupWorkflows, the
/// real catalog), answers its probes and API, and stops cleanly on SIGTERM.
/// </summary>
public sealed class ProductHostProcessTests
{
    [Fact]
    public async Task The_built_host_serves_the_product_composition_and_stops_gracefully()
    {
        await using var db = await TempDatabase.CreateAsync("product");
        var staging = Directory.CreateTempSubdirectory("bf-host-product-");
        try
        {
            await using var hub = new TestHub();
            var settings = HostSettings.For(db.ConnectionString, hub.Name, productWorkflows: true)
                .With("BackupFunctions:Source:ConnectionString", TestServices.PgConnectionString(db.Name))
                .With("BackupFunctions:StagingDirectory", Path.Combine(staging.FullName, "staging"))
                .With("BackupFunctions:Targets:0:Name", "local")
                .With("BackupFunctions:Targets:0:Type", "filesystem")
                .With("BackupFunctions:Targets:0:Path", Path.Combine(staging.FullName, "target"))
                .With("BackupFunctions:Keys:KeyFile", Path.Combine(staging.FullName, "kek.json"));
            KeyFile.Generate(Path.Combine(staging.FullName, "kek.json"), "product-key", current: true);
            var host = await HostProcess.StartAsync(settings);
            await using (host)
            {
                var client = host.Client(TestKeys.Function);
                await Polling.UntilAsync(() => client.GetAsync("/healthz/ready"), r => r.StatusCode == HttpStatusCode.OK, "the host to be ready");

                var health = await client.GetAsync("/api/health");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.True((await health.JsonAsync()).TryGetProperty("score", out _));
                var backups = await client.GetAsync("/api/backups");
                Assert.Equal(HttpStatusCode.OK, backups.StatusCode);
                Assert.Equal(0, (await backups.JsonAsync()).GetArrayLength());

                var unknownTarget = await client.PostAsync("/api/backups", HttpJson.Body("""{"kind":"full","targets":["tape"]}"""));
                Assert.Equal(HttpStatusCode.BadRequest, unknownTarget.StatusCode);
                Assert.Contains("configured targets: local", (await unknownTarget.JsonAsync()).Str("detail"));
                Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client().GetAsync("/api/backups")).StatusCode);

                await host.StopAsync();
                Assert.Equal(0, host.ExitCode);
            }
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Without_keys_the_built_host_exits_with_a_message_that_says_what_to_set()
    {
        var settings = HostSettings.For(TestServices.PgConnectionString("never_used"), HostSettings.NewHub())
            .With("BackupFunctions:Keys:FunctionKeys:0", null).With("BackupFunctions:Keys:AdminKeys:0", null);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HostProcess.StartAsync(settings));
        Assert.Contains("AllowAnonymous=true", ex.Message);
    }

    [Fact]
    public async Task Bad_settings_stop_the_built_host_with_every_problem_listed_and_no_stack_trace()
    {
        var dir = Directory.CreateTempSubdirectory("bf-host-bad-");
        try
        {
            var missingKeyFile = Path.Combine(dir.FullName, "no-such-kek.json");
            var settings = HostSettings.For(TestServices.PgConnectionString("never_used"), HostSettings.NewHub(), productWorkflows: true)
                .With("BackupFunctions:Source:ConnectionString", TestServices.PgConnectionString("never_used"))
                .With("BackupFunctions:Keys:KeyFile", missingKeyFile)
                .With("BackupFunctions:Targets:0:Name", "tape")
                .With("BackupFunctions:Targets:0:Type", "tape-drive")
                .With("BackupFunctions:Targets:1:Name", "local")
                .With("BackupFunctions:Targets:1:Type", "filesystem")
                .With("BackupFunctions:Targets:1:Path", dir.FullName)
                .With("BackupFunctions:Targets:1:MaxConcurrency", "lots")
                .With("BackupFunctions:Dump:Jobs", "many")
                .With("BackupFunctions:TaskHub:PartitionCount", "four");

            var (exitCode, stdout, stderr) = await HostProcess.RunToExitAsync(settings);

            Assert.Equal(2, exitCode);
            Assert.StartsWith("BackupFunctions host cannot start: 5 problems in the settings:", stderr);
            Assert.Contains($"Key file '{missingKeyFile}' does not exist", stderr);
            Assert.Contains("Target 'tape' has Type 'tape-drive'; use one of: filesystem, s3, azureblob.", stderr);
            Assert.Contains("'BackupFunctions:Targets:1:MaxConcurrency'", stderr);
            Assert.Contains("'BackupFunctions:Dump:Jobs'", stderr);
            Assert.Contains("'BackupFunctions:TaskHub:PartitionCount'", stderr);
            Assert.DoesNotContain("   at ", stderr + stdout);
            Assert.DoesNotContain("Unhandled exception", stderr + stdout);
            Assert.DoesNotContain("listening", stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
