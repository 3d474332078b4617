using BackupFunctions.Functions.Http;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;

namespace BackupFunctions.Functions.Tests.Http;

public sealed class StartPlannerTests
{
    private static readonly BackupFunctionsOptions Options = new()
    {
        Targets =
        [
            new TargetOptions { Name = "local", Type = TargetOptions.FileSystemType, Path = "/tmp/x" },
            new TargetOptions { Name = "r2", Type = TargetOptions.S3Type },
        ],
        Source = new SourceOptions { ConnectionString = "Host=db.internal;Database=app;Username=bf;Password=s3cret", Databases = ["reports"] },
    };

    [Fact]
    public void An_empty_backup_body_is_a_full_backup_of_the_default_database()
    {
        var plan = StartPlanner.Backup("", Options).Plan;

        Assert.NotNull(plan);
        Assert.Equal(OrchestrationNames.FullBackup, plan.Orchestration);
        var request = Assert.IsType<BackupRequest>(plan.Input);
        Assert.Equal(BackupKinds.Full, request.Kind);
        Assert.Null(request.Database);
        Assert.Null(request.Targets);
    }

    [Theory]
    [InlineData("""{"kind":"full","database":"app"}""", OrchestrationNames.FullBackup)]
    [InlineData("""{"kind":"Tenant","tenantId":"acme"}""", OrchestrationNames.TenantBackup)]
    [InlineData("""{"kind":"FILES"}""", OrchestrationNames.FilesBackup)]
    public void The_kind_picks_the_orchestration_and_is_passed_on_in_lower_case(string body, string orchestration)
    {
        var plan = StartPlanner.Backup(body, Options).Plan;

        Assert.NotNull(plan);
        Assert.Equal(orchestration, plan.Orchestration);
        Assert.Equal(((BackupRequest)plan.Input).Kind, ((BackupRequest)plan.Input).Kind.ToLowerInvariant());
        Assert.Equal("", plan.InstanceIdPrefix);
    }

    [Fact]
    public void Targets_are_passed_on_as_named()
    {
        var plan = StartPlanner.Backup("""{"targets":["local","r2"]}""", Options).Plan;
        Assert.Equal(["local", "r2"], ((BackupRequest)plan!.Input).Targets!);
    }

    [Fact]
    public void Every_validation_error_is_listed_in_one_400()
    {
        var decision = StartPlanner.Backup("""{"kind":"tenant","targets":["tape"]}""", Options);

        Assert.Null(decision.Plan);
        var problem = decision.Problem!;
        Assert.Equal(400, problem.Status);
        Assert.Equal(2, problem.Errors!.Count);
        Assert.Contains(problem.Errors, e => e.Contains("tenantId is required"));
        Assert.Contains(problem.Errors, e => e.Contains("'tape'") && e.Contains("local, r2"));
        Assert.Equal(string.Join(" ", problem.Errors), problem.Detail);
    }

    [Theory]
    [InlineData("""{"kind":"full","databse":"app"}""", "databse")]
    [InlineData("""{"kind":""", "not valid JSON")]
    [InlineData("null", "JSON null")]
    public void A_body_that_is_not_the_request_is_a_400_that_says_why(string body, string because)
    {
        var problem = StartPlanner.Backup(body, Options).Problem;

        Assert.NotNull(problem);
        Assert.Equal(400, problem.Status);
        Assert.Contains(because, problem.Detail);
        Assert.Null(problem.Errors);
    }

    [Fact]
    public void A_backup_id_cannot_be_sent_because_the_server_mints_it()
    {
        var problem = StartPlanner.Backup("""{"kind":"tenant","tenantId":"acme","backupId":"20260101T020000Z-0a1b2c3d"}""", Options).Problem;

        Assert.NotNull(problem);
        Assert.Equal(400, problem.Status);
        Assert.Equal("The body has a field this request does not take: 'backupId'. It takes: kind, database, tenantId, targets.", problem.Detail);
    }

    [Theory]
    [InlineData("app", true)]
    [InlineData("reports", true)]
    [InlineData("postgres", false)]
    [InlineData("APP", false)]
    public void Only_a_configured_database_can_be_asked_for_and_the_refusal_shows_no_connection_details(string database, bool allowed)
    {
        var decision = StartPlanner.Backup($$"""{"kind":"full","database":"{{database}}"}""", Options);

        Assert.Equal(allowed, decision.Plan is not null);
        if (allowed) return;
        var error = Assert.Single(decision.Problem!.Errors!);
        Assert.StartsWith($"database '{database}' is not configured for backups; configured databases: app, reports.", error);
        Assert.DoesNotContain("db.internal", error);
        Assert.DoesNotContain("s3cret", error);
    }

    [Fact]
    public void With_no_database_configured_a_named_one_is_refused_and_the_default_still_works()
    {
        var bare = new BackupFunctionsOptions { Targets = Options.Targets };

        Assert.Contains("no database is configured for backups", Assert.Single(StartPlanner.Backup("""{"database":"app"}""", bare).Problem!.Errors!));
        Assert.NotNull(StartPlanner.Backup("""{"kind":"full"}""", bare).Plan);
    }

    [Fact]
    public void A_body_over_the_limit_is_refused()
    {
        var problem = StartPlanner.Backup(null, Options).Problem;
        Assert.Contains("larger than 64 KiB", problem!.Detail);
    }

    [Fact]
    public void A_restore_needs_a_body()
    {
        var problem = StartPlanner.Restore("  ").Problem;
        Assert.Contains("The body is empty", problem!.Detail);
    }

    [Fact]
    public void A_restore_runs_the_restore_or_the_test_restore()
    {
        var restore = StartPlanner.Restore("""{"backupId":"latest","database":"app"}""").Plan!;
        Assert.Equal(OrchestrationNames.Restore, restore.Orchestration);
        Assert.Equal("app", Assert.IsType<RestoreRequest>(restore.Input).Database);

        var test = StartPlanner.Restore("""{"backupId":"latest","test":true}""").Plan!;
        Assert.Equal(OrchestrationNames.TestRestore, test.Orchestration);
    }

    [Fact]
    public void A_restore_target_with_a_password_is_refused()
    {
        var problem = StartPlanner.Restore("""{"backupId":"latest","targetConnectionString":"Host=db;Password=secret"}""").Problem;
        Assert.Contains(problem!.Errors!, e => e.Contains("must not contain a password"));
    }

    [Fact]
    public void A_disaster_recovery_needs_the_new_server_and_gets_a_dr_id()
    {
        var refused = StartPlanner.DisasterRecovery("""{"backupId":"latest"}""").Problem;
        Assert.Contains(refused!.Errors!, e => e.Contains("targetConnectionString is required"));

        var plan = StartPlanner.DisasterRecovery("""{"targetConnectionString":"Host=new-db;Username=postgres","rtoTarget":"00:30:00"}""").Plan!;
        Assert.Equal(OrchestrationNames.DisasterRecovery, plan.Orchestration);
        Assert.Equal(TimeSpan.FromMinutes(30), Assert.IsType<DisasterRecoveryRequest>(plan.Input).RtoTarget);
        Assert.StartsWith("dr-", plan.NewInstanceId());
        Assert.NotEqual(plan.NewInstanceId(), plan.NewInstanceId());
    }
}
