using System.Reflection;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Workflows.Tests.Settings;

/// <summary>
/// The product's settings are bound section by section by generated code (SettingsBinder's table): no section may be
/// forgotten, good values still count beside bad ones, and every bad value is named by its path.
/// </summary>
public sealed class SettingsBinderTests
{
    private static BackupFunctionsOptions Bind(Dictionary<string, string?> values, List<string> problems) =>
        SettingsBinder.BindProduct(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), problems);

    [Fact]
    public void Every_settable_section_of_the_options_is_bound()
    {
        var settable = typeof(BackupFunctionsOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(settable, SettingsBinder.ProductSectionNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Values_of_every_kind_are_bound()
    {
        var problems = new List<string>();
        var o = Bind(new()
        {
            ["BackupFunctions:Source:ConnectionString"] = "Host=db;Username=u",
            ["BackupFunctions:Source:Databases:0"] = "app",
            ["BackupFunctions:Source:Databases:1"] = "billing",
            ["BackupFunctions:StagingDirectory"] = "/var/tmp/bf",
            ["BackupFunctions:Dump:Jobs"] = "3",
            ["BackupFunctions:Retention:KeepDays:R2"] = "365",
            ["BackupFunctions:Retention:RestoreLeaseDuration"] = "01:30:00",
            ["BackupFunctions:Keys:FromEnvironment"] = "true",
            ["BackupFunctions:Targets:0:Name"] = "local",
            ["BackupFunctions:Targets:0:Type"] = "filesystem",
            ["BackupFunctions:Targets:0:Path"] = "/backups",
            ["BackupFunctions:Targets:0:CreateIfMissing"] = "false",
        }, problems);

        Assert.Empty(problems);
        Assert.Equal("Host=db;Username=u", o.Source.ConnectionString);
        Assert.Equal(["app", "billing"], o.Source.Databases);
        Assert.Equal("/var/tmp/bf", o.StagingDirectory);
        Assert.Equal(3, o.Dump.Jobs);
        // The dictionary keeps its case-insensitive comparer from the options' constructor.
        Assert.Equal(365, o.Retention.DaysFor("r2"));
        Assert.Equal(TimeSpan.FromMinutes(90), o.Retention.RestoreLeaseDuration);
        Assert.True(o.Keys.FromEnvironment);
        var target = Assert.Single(o.Targets);
        Assert.Equal(("local", "filesystem", "/backups", false), (target.Name, target.Type, target.Path, target.CreateIfMissing));
    }

    [Fact]
    public void Each_bad_value_is_named_and_the_good_ones_still_count()
    {
        var problems = new List<string>();
        var o = Bind(new()
        {
            ["BackupFunctions:Source:ConnectionString"] = "Host=db",
            ["BackupFunctions:Dump:Jobs"] = "many",
            ["BackupFunctions:Retention:DefaultKeepDays"] = "a month",
            ["BackupFunctions:Targets:0:Name"] = "local",
            ["BackupFunctions:Targets:0:Type"] = "filesystem",
            ["BackupFunctions:Targets:0:MaxConcurrency"] = "lots",
        }, problems);

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("'BackupFunctions:Dump:Jobs'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'BackupFunctions:Retention:DefaultKeepDays'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'BackupFunctions:Targets:0:MaxConcurrency'", StringComparison.Ordinal));
        Assert.Equal("Host=db", o.Source.ConnectionString);
        Assert.Equal("local", Assert.Single(o.Targets).Name);
    }
}
