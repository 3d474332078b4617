using System.Text;
using BackupFunctions.Targets.S3;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Targets.Tests.Configuration;

public sealed class TargetOptionsTests
{
    private const string Json = """
    {
      "Targets": [
        { "Name": "local", "Type": "filesystem", "Path": "__PATH__" },
        { "Name": "s3", "Type": "s3", "ServiceUrl": "http://127.0.0.1:4569", "Region": "us-east-1", "Bucket": "backups",
          "Prefix": "prod", "AccessKey": "AKIAEXAMPLE", "SecretKey": "very-secret-s3-key", "ChecksumMode": "WhenRequired",
          "PartSizeMiB": 16, "MaxConcurrency": 4, "Retry": { "MaxAttempts": 7, "BaseDelay": "00:00:02" } },
        { "Name": "azure", "Type": "AzureBlob", "ConnectionString": "UseDevelopmentStorage=true", "Container": "backups" }
      ]
    }
    """;

    [Fact]
    public void Binds_from_json_configuration_and_builds_every_target()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bf-opt-" + Guid.NewGuid().ToString("N"));
        var config = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json.Replace("__PATH__", dir))))
            .Build();

        var options = config.GetSection("Targets").Get<List<TargetOptions>>()!;

        Assert.Equal(["local", "s3", "azure"], options.Select(o => o.Name));
        var s3 = options[1];
        Assert.Equal(S3ChecksumMode.WhenRequired, s3.ChecksumMode);
        Assert.Equal(16, s3.PartSizeMiB);
        Assert.Equal(4, s3.MaxConcurrency);
        Assert.Equal(7, s3.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), s3.Retry.BaseDelay);
        Assert.All(options, o => Assert.Empty(o.Validate()));

        var targets = BackupTargetFactory.CreateAll(options);
        Assert.Equal(["local", "s3", "azure"], targets.Select(t => t.Name));
        Assert.All(targets, t => Assert.IsType<LoggingTarget>(t));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void ToString_masks_secrets()
    {
        var s3 = new TargetOptions { Name = "s3", Type = "s3", Bucket = "b", AccessKey = "AKIAEXAMPLE", SecretKey = "very-secret" };
        var az = new TargetOptions { Name = "az", Type = "azureblob", Container = "c", ConnectionString = "AccountKey=very-secret" };

        Assert.DoesNotContain("very-secret", s3.ToString());
        Assert.DoesNotContain("AKIAEXAMPLE", s3.ToString());
        Assert.Contains("Bucket=b", s3.ToString());
        Assert.DoesNotContain("very-secret", az.ToString());
        Assert.DoesNotContain("very-secret", new S3TargetOptions { Bucket = "b", AccessKey = "x", SecretKey = "very-secret" }.ToString());
        Assert.DoesNotContain("very-secret", new AzureBlob.AzureBlobTargetOptions { Container = "c", ConnectionString = "AccountKey=very-secret" }.ToString());
    }

    [Theory]
    [InlineData("filesystem", "needs a Path")]
    [InlineData("s3", "needs a Bucket")]
    [InlineData("azureblob", "needs a Container")]
    [InlineData("azureblob", "needs a ConnectionString, or an AccountUrl")]
    [InlineData("ftp", "use one of: filesystem, s3, azureblob")]
    public void Validation_says_what_is_missing(string type, string expected)
    {
        var options = new TargetOptions { Name = "t1", Type = type };

        var ex = Assert.Throws<TargetConfigurationException>(() => BackupTargetFactory.Create(options));

        Assert.Contains(expected, ex.Message);
        Assert.Contains("'t1'", ex.Message);
    }

    [Fact]
    public void Validation_catches_half_credentials_and_bad_numbers_without_echoing_secrets()
    {
        var options = new TargetOptions
        {
            Name = "s3", Type = "s3", Bucket = "b", SecretKey = "very-secret", PartSizeMiB = 1,
            UploadParallelism = 0, Retry = new RetryOptions { MaxAttempts = 0 },
        };

        var problems = options.Validate();

        Assert.Contains(problems, p => p.Contains("both AccessKey and SecretKey"));
        Assert.Contains(problems, p => p.Contains("PartSizeMiB"));
        Assert.Contains(problems, p => p.Contains("UploadParallelism"));
        Assert.Contains(problems, p => p.Contains("Retry.MaxAttempts"));
        Assert.All(problems, p => Assert.DoesNotContain("very-secret", p));
    }

    [Fact]
    public void Duplicate_names_are_rejected()
    {
        var a = new TargetOptions { Name = "x", Type = "filesystem", Path = Path.GetTempPath() };
        var b = new TargetOptions { Name = "X", Type = "filesystem", Path = Path.GetTempPath() };

        var ex = Assert.Throws<TargetConfigurationException>(() => BackupTargetFactory.CreateAll([a, b]));

        Assert.Contains("unique", ex.Message);
    }

    [Theory]
    [InlineData("a/b.bin", true)]
    [InlineData("a/.hidden", true)]
    [InlineData("a..b", true)]
    [InlineData("", false)]
    [InlineData("/a", false)]
    [InlineData("a//b", false)]
    [InlineData("a/../b", false)]
    [InlineData("..", false)]
    [InlineData("a/", false)]
    [InlineData("a\\b", false)]
    [InlineData("a\nb", false)]
    public void Key_rules(string key, bool valid)
    {
        Assert.Equal(valid, TargetKey.IsValid(key));
    }
}
