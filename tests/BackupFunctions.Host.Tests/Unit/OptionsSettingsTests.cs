using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Host.Tests.Unit;

public sealed class OptionsSettingsTests
{
    [Fact]
    public void Options_built_in_code_bind_back_from_the_flattened_settings()
    {
        var options = new BackupFunctionsOptions
        {
            Source = new SourceOptions { ConnectionString = "Host=h;Database=app", Databases = ["app", "billing"] },
            Keys = new KeyOptions { KeyFile = "/k/kek.json" },
            StagingDirectory = "/staging",
            Targets =
            [
                new TargetOptions { Name = "local", Type = TargetOptions.FileSystemType, Path = "/t", CreateIfMissing = false },
                new TargetOptions { Name = "s3", Type = TargetOptions.S3Type, Bucket = "b", ForcePathStyle = true, RequestTimeout = TimeSpan.FromSeconds(7) },
            ],
            Tenants = new TenantOptions { TenantIds = ["t1"] },
        };
        options.Retention.KeepDays["s3"] = 365;

        var settings = HostSettings.For("Host=control", "hub").WithOptions(options);
        var bound = new BackupFunctionsOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("BackupFunctions").Bind(bound);

        Assert.Equal("Host=control", settings["BackupFunctions:Control:ConnectionString"]);
        Assert.Equal("hub", settings[HostSettings.HubNameKey]);
        Assert.Equal(["app", "billing"], bound.Source.Databases);
        Assert.Equal("/k/kek.json", bound.Keys.KeyFile);
        Assert.Equal(["local", "s3"], bound.Targets.Select(t => t.Name));
        Assert.False(bound.Targets[0].CreateIfMissing);
        Assert.Equal(TimeSpan.FromSeconds(7), bound.Targets[1].RequestTimeout);
        Assert.Equal(365, bound.Retention.KeepDays["s3"]);
        Assert.Equal(["t1"], bound.Tenants.TenantIds);
    }
}
