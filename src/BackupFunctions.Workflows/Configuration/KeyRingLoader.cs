using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Workflows.Configuration;

/// <summary>Builds one key ring from every configured key source.</summary>
public static class KeyRingLoader
{
    public static KeyRing Load(KeyOptions options)
    {
        var ring = new KeyRing();
        if (!string.IsNullOrWhiteSpace(options.KeyFile))
        {
            if (!File.Exists(options.KeyFile))
            {
                throw new InvalidOperationException(
                    $"Key file '{options.KeyFile}' does not exist. Create one with 'backupctl keys new --out {options.KeyFile}', or fix BackupFunctions:Keys:KeyFile.");
            }

            ring = ring.Merge(KeyRing.FromFile(options.KeyFile));
        }

        if (!string.IsNullOrWhiteSpace(options.KeyDirectory))
        {
            ring = ring.Merge(KeyRing.FromDirectory(options.KeyDirectory));
        }

        if (options.FromEnvironment)
        {
            ring = ring.Merge(KeyRing.FromEnvironment());
        }

        if (!string.IsNullOrWhiteSpace(options.CurrentKeyId))
        {
            ring.SetCurrent(options.CurrentKeyId);
        }

        return ring;
    }
}
