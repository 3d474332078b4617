using System.Collections;
using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// The client programs start with an allow-listed environment: the parent's key-encryption keys,
/// target secrets, admin keys and connection strings never reach them.
/// </summary>
public class ChildEnvironmentTests
{
    [Fact]
    public void Only_allow_listed_variables_reach_a_child()
    {
        var parent = new Hashtable
        {
            ["PATH"] = "/usr/bin:/bin",
            ["HOME"] = "/home/op",
            ["TZ"] = "UTC",
            ["LC_CTYPE"] = "en_US.UTF-8",
            ["LC_ALL"] = "de_DE.UTF-8",
            ["LANG"] = "de_DE.UTF-8",
            ["PGPASSFILE"] = "/secure/pgpass",
            ["PGSSLROOTCERT"] = "/secure/ca.pem",
            ["BF_KEK_prod"] = "q6GgW8Fh3Wmrb0Xw2Yk4l7C9e1bq0a3d5f7h9j1k3m8=",
            ["BF_KEK_CURRENT"] = "prod",
            ["BackupFunctions__Source__ConnectionString"] = "Host=db;Username=app;Password=source-secret",
            ["BackupFunctions__Targets__1__SecretKey"] = "s3-secret",
            ["BackupFunctions__Host__AdminKey"] = "admin-secret",
            ["AWS_SECRET_ACCESS_KEY"] = "aws-secret",
            ["AZURE_STORAGE_CONNECTION_STRING"] = "AccountKey=azure-secret",
            ["PGPASSWORD"] = "inherited-pg-password",
            ["PGHOST"] = "attacker.example",
            ["PGDATABASE"] = "other",
            ["PGSERVICE"] = "evil",
            ["PGOPTIONS"] = "-c search_path=evil",
        };
        var child = new Dictionary<string, string?> { ["LEFT_OVER_FROM_PROCESS_START_INFO"] = "x" };

        ChildEnvironment.Apply(child, parent);

        Assert.Equal(
            ["HOME", "LANG", "LC_CTYPE", "LC_MESSAGES", "PATH", "PGPASSFILE", "PGSSLROOTCERT", "TZ"],
            child.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("/secure/pgpass", child["PGPASSFILE"]);
        Assert.Equal("C", child["LC_MESSAGES"]);
        Assert.Equal("C.UTF-8", child["LANG"]);
        Assert.DoesNotContain(child.Values, v => v!.Contains("secret", StringComparison.Ordinal) || v.Contains("q6GgW8", StringComparison.Ordinal));
    }

    /// <summary>
    /// The real start path: a stand-in "psql" that prints its environment, started by PgToolRunner
    /// while this process holds secrets in its environment.
    /// </summary>
    [Fact]
    public async Task A_child_started_by_the_runner_sees_none_of_the_parents_secrets()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var secrets = new Dictionary<string, string>
        {
            // Unique names: other tests in this process read the environment too.
            [$"BF_SECRET_TEST_KEK_{marker}"] = "kek-" + Guid.NewGuid().ToString("N"),
            [$"BackupFunctions__Targets__9__SecretKey_{marker}"] = "target-" + Guid.NewGuid().ToString("N"),
            [$"BackupFunctions__Source__ConnectionString_{marker}"] = "Host=db;Password=conn-" + Guid.NewGuid().ToString("N"),
            [$"BF_ADMIN_KEY_{marker}"] = "admin-" + Guid.NewGuid().ToString("N"),
        };
        var bin = Directory.CreateTempSubdirectory("bf-childenv-").FullName;
        var psql = Path.Combine(bin, "psql");
        await File.WriteAllTextAsync(psql, "#!/bin/sh\nexec env\n");
        File.SetUnixFileMode(psql, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            foreach (var (name, value) in secrets) Environment.SetEnvironmentVariable(name, value);
            var connection = new PgConnectionInfo("127.0.0.1", 5432, "restorer", "the-runs-own-password", "app");

            var output = await new PgToolRunner().RunAsync(PgTool.Psql, connection, [], client: new PgClientInstallation(15, bin));

            var env = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            Assert.True(env.ContainsKey("PATH"), output);
            Assert.Equal("the-runs-own-password", env["PGPASSWORD"]);
            foreach (var (name, value) in secrets)
            {
                Assert.False(env.ContainsKey(name), $"{name} reached the child:\n{output}");
                Assert.DoesNotContain(value, output, StringComparison.Ordinal);
            }

            Assert.All(env.Keys, k => Assert.True(ChildEnvironment.IsAllowed(k) || k is "LANG" or "PGPASSWORD" or "PGCONNECT_TIMEOUT" or "PWD" or "SHLVL" or "_",
                $"{k} is not on the allow-list"));
        }
        finally
        {
            foreach (var name in secrets.Keys) Environment.SetEnvironmentVariable(name, null);
            Directory.Delete(bin, recursive: true);
        }
    }
}
