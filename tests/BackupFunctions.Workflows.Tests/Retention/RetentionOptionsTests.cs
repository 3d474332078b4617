using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Retention;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Workflows.Tests.Retention;

/// <summary>Retention settings: the older keys keep working, the new per-target and per-kind rules fall back field by field, bad values are refused.</summary>
public sealed class RetentionOptionsTests
{
    private static RetentionOptions Bind(Dictionary<string, string?> values)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new BackupFunctionsOptions();
        config.GetSection(BackupFunctionsOptions.SectionName).Bind(options);
        return options.Retention;
    }

    [Fact]
    public void The_older_keep_days_settings_still_decide_the_age_rule()
    {
        var r = Bind(new() { ["BackupFunctions:Retention:DefaultKeepDays"] = "14", ["BackupFunctions:Retention:KeepDays:r2"] = "365" });

        Assert.Equal(new RetentionRules(KeepDays: 365), r.RulesFor("R2", BackupKind.Full));
        Assert.Equal(new RetentionRules(KeepDays: 14), r.RulesFor("local", BackupKind.Tenant));
        Assert.Empty(r.Problems(["r2", "local"]));
    }

    [Fact]
    public void Kind_rules_override_target_rules_field_by_field_and_keep_days_falls_back_to_the_older_settings()
    {
        var r = Bind(new()
        {
            ["BackupFunctions:Retention:KeepDays:cloud"] = "365",
            ["BackupFunctions:Retention:Targets:cloud:Daily"] = "7",
            ["BackupFunctions:Retention:Targets:cloud:Weekly"] = "4",
            ["BackupFunctions:Retention:Targets:cloud:Monthly"] = "12",
            ["BackupFunctions:Retention:Targets:cloud:Kinds:tenant:KeepDays"] = "0",
            ["BackupFunctions:Retention:Targets:cloud:Kinds:tenant:Monthly"] = "24",
            ["BackupFunctions:Retention:Targets:local:KeepCount"] = "10",
        });

        Assert.Equal(new RetentionRules(365, 0, 7, 4, 12), r.RulesFor("cloud", BackupKind.Full));
        Assert.Equal(new RetentionRules(0, 0, 7, 4, 24), r.RulesFor("cloud", BackupKind.Tenant));
        Assert.Equal(new RetentionRules(30, 10, 0, 0, 0), r.RulesFor("local", BackupKind.Files));
        Assert.Empty(r.Problems(["cloud", "local"]));
    }

    [Fact]
    public void Negative_values_unknown_kinds_and_targets_and_rules_that_keep_nothing_are_refused_with_the_setting_named()
    {
        var r = Bind(new()
        {
            ["BackupFunctions:Retention:KeepDays:local"] = "-1",
            ["BackupFunctions:Retention:MinVerifiedToKeep"] = "0",
            ["BackupFunctions:Retention:Targets:local:Weekly"] = "-2",
            ["BackupFunctions:Retention:Targets:local:Kinds:weekly:KeepCount"] = "3",
            ["BackupFunctions:Retention:Targets:nas:KeepDays"] = "3",
            ["BackupFunctions:Retention:Targets:cloud:KeepDays"] = "0",
        });

        var problems = r.Problems(["local", "cloud"]).ToList();

        Assert.Contains(problems, p => p.Contains("Retention:KeepDays:local is -1"));
        Assert.Contains(problems, p => p.Contains("MinVerifiedToKeep is 0"));
        Assert.Contains(problems, p => p.Contains("Targets:local:Weekly is -2"));
        Assert.Contains(problems, p => p.Contains("Targets:local:Kinds:weekly is not a backup kind; use one of: full, tenant, files, globals"));
        Assert.Contains(problems, p => p.Contains("Targets:nas names no configured target"));
        Assert.Contains(problems, p => p.StartsWith("Retention of target 'cloud' for full backups keeps nothing"));
        Assert.DoesNotContain(problems, p => p.StartsWith("Retention of target 'local'"));
    }

    [Fact]
    public void Settings_check_reports_retention_problems_before_any_work_starts()
    {
        var options = new BackupFunctionsOptions
        {
            Targets = [new TargetOptions { Name = "local", Type = "filesystem", Path = "/tmp/x" }],
            Keys = new KeyOptions { FromEnvironment = true },
            Retention = new RetentionOptions { DefaultKeepDays = 0 },
        };

        var problems = SettingsCheck.Problems(options, forBackups: false);

        Assert.Contains(problems, p => p.StartsWith("Retention of target 'local' for full backups keeps nothing"));
    }
}
