using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Cli;

/// <summary>
/// Settings for one CLI run: a JSON file (--config, else $BACKUPFUNCTIONS_CONFIG, else
/// ./backupfunctions.json when present), then environment variables on top
/// (BackupFunctions__Source__ConnectionString=...), the same keys the host reads.
/// </summary>
public static class CliConfiguration
{
    public const string ConfigEnvVar = "BACKUPFUNCTIONS_CONFIG";
    public const string DefaultFileName = "backupfunctions.json";

    /// <summary>Reads the settings; a value of the wrong type is added to <paramref name="problems"/>, one line per setting.</summary>
    public static BackupFunctionsOptions Load(string? configPath, ICollection<string> problems)
    {
        var path = configPath ?? Environment.GetEnvironmentVariable(ConfigEnvVar);
        var builder = new ConfigurationBuilder();
        if (!string.IsNullOrWhiteSpace(path))
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new UsageException($"Configuration file '{full}' does not exist.");
            }

            builder.AddJsonFile(full, optional: false);
        }
        else if (File.Exists(DefaultFileName))
        {
            builder.AddJsonFile(Path.GetFullPath(DefaultFileName), optional: false);
        }

        builder.AddEnvironmentVariables();
        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            throw new UsageException($"Configuration file '{path ?? DefaultFileName}' is not valid JSON: {e.Message}");
        }

        return SettingsBinder.BindProduct(root, problems);
    }
}
