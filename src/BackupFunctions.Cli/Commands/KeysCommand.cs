using System.CommandLine;
using BackupFunctions.Pipeline.Keys;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>
/// backupctl keys new: make a key-encryption key file (mode 0600); keys use: make a key of a key
/// directory the current one (its <c>current</c> marker). The key itself is never printed.
/// </summary>
public static class KeysCommand
{
    public static Command Create(GlobalOptions global)
    {
        var id = new Option<string?>("--id") { Description = "Key id (default: kek-<UTC date>-<random>)." };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the key file.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing file; the old one is kept beside it as <file>.replaced-<time> (old backups need the old key!)." };
        var create = new Command("new", "Create a new key-encryption key file, marked current.") { id, output, force };
        create.SetAction((parse, ct) => global.RunAsync(parse, ctx =>
        {
            var path = Path.GetFullPath(parse.GetValue(output)!);
            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new UsageException($"'{path}' already exists. Backups made with that key need it to be restored; choose another path, or pass --force if you are sure.");
            }

            var keyId = parse.GetValue(id) ?? $"kek-{DateTime.UtcNow:yyyyMMdd}-{Guid.NewGuid().ToString("N")[..6]}";
            try
            {
                KeyEncryptionKey.ValidateId(keyId);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string? replaced = null;
            if (File.Exists(path))
            {
                replaced = KeyFile.Replace(path, KeyEncryptionKey.Generate(keyId), current: true);
            }
            else
            {
                KeyFile.Generate(path, keyId, current: true);
            }

            var marker = Path.Combine(Path.GetDirectoryName(path)!, KeyDirectory.CurrentMarker);
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = true, keyId, path, replacedKeptAs = replaced });
            }
            else
            {
                ctx.Output.Console.WriteLine($"Created key {keyId} in {path} (mode 0600). Keep a copy off this machine: without it no backup made with it can be restored.");
                if (replaced is not null)
                {
                    ctx.Output.Console.WriteLine($"The key it replaced is kept in {replaced}: backups made with it need it.");
                }

                if (File.Exists(marker))
                {
                    ctx.Output.Console.WriteLine($"{Path.GetDirectoryName(path)} is a key directory with a current marker: make the new key current with 'backupctl keys use {keyId} --dir {Path.GetDirectoryName(path)}'.");
                }
            }

            return Task.FromResult(ExitCodes.Success);
        }));
        var keys = new Command("keys", "Manage key-encryption keys.") { create, CreateUse(global) };
        return keys;
    }

    /// <summary>backupctl keys use ID [--dir DIR]: the only way, besides editing the marker by hand, that the current key of a directory changes.</summary>
    private static Command CreateUse(GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The key id new backups should use (a key file in the directory must hold it)." };
        var dir = new Option<string?>("--dir") { Description = "The key directory (default: BackupFunctions:Keys:KeyDirectory from the settings)." };
        var use = new Command("use", "Make a key of the key directory the current one: writes its 'current' marker.") { id, dir };
        use.SetAction((parse, ct) => global.RunAsync(parse, ctx =>
        {
            var directory = parse.GetValue(dir) ?? KeyDirectoryFromSettings(ctx.ConfigPath)
                ?? throw new UsageException("No key directory: pass --dir, or set BackupFunctions:Keys:KeyDirectory.");
            var keyId = parse.GetValue(id)!;
            if (!KeyDirectory.Use(directory, keyId))
            {
                throw new UsageException($"No key file in '{directory}' holds key '{keyId}' (it has: {string.Join(", ", KeyRing.FromDirectory(directory).KeyIds)}).");
            }

            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = true, keyId, directory });
            }
            else
            {
                ctx.Output.Console.WriteLine($"New backups now use key {keyId} ({Path.Combine(directory, KeyDirectory.CurrentMarker)}).");
            }

            return Task.FromResult(ExitCodes.Success);
        }));
        return use;
    }

    // Only the key directory is needed here, so the rest of the settings may be incomplete; a file that cannot be read still says why.
    private static string? KeyDirectoryFromSettings(string? configPath)
    {
        var problems = new List<string>();
        var options = CliConfiguration.Load(configPath, problems);
        return problems.Count > 0
            ? throw new UsageException("The configuration is incomplete or invalid:\n  - " + string.Join("\n  - ", problems))
            : options.Keys.KeyDirectory;
    }
}
