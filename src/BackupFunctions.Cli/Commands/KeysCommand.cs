using System.CommandLine;
using BackupFunctions.Pipeline.Keys;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl keys new: make a key-encryption key file (mode 0600). The key itself is never printed.</summary>
public static class KeysCommand
{
    public static Command Create(GlobalOptions global)
    {
        var id = new Option<string?>("--id") { Description = "Key id (default: kek-<UTC date>-<random>)." };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the key file.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing file (old backups need the old key!)." };
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
            KeyFile.Generate(path, keyId, current: true);
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = true, keyId, path });
            }
            else
            {
                ctx.Output.Console.WriteLine($"Created key {keyId} in {path} (mode 0600). Keep a copy off this machine: without it no backup made with it can be restored.");
            }

            return Task.FromResult(ExitCodes.Success);
        }));
        var keys = new Command("keys", "Manage key-encryption keys.") { create };
        return keys;
    }
}
