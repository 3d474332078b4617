using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Cli.Output;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl restore &lt;id|latest&gt; --to-dir DIR: a files backup's files back into a directory (<see cref="FilesRestorer"/>).</summary>
public static class FilesRestoreCommand
{
    public static async Task<int> RunAsync(CommandContext ctx, string backupId, string directory, CancellationToken ct)
    {
        var env = ctx.CreateEnvironment(forBackups: false);
        var catalog = await TargetCatalogReader.ReadForAsync(env.Targets, env.Keys, null, backupId, BackupKind.Files, ct);
        var entry = catalog.Resolve(backupId, BackupKind.Files);
        if (entry.Manifest.Kind != BackupKind.Files)
            throw new UsageException($"Backup {entry.BackupId} is a {entry.Manifest.Kind.ToString().ToLowerInvariant()} backup: restore it into a database with --to <connection string>.");

        ctx.Output.Step($"restoring the files of {entry.BackupId} into {Path.GetFullPath(directory)}");
        FilesRestoreResult result;
        try
        {
            result = await new FilesRestorer(env).RunAsync(entry, directory, ct);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        Render(ctx, result);
        return result.Succeeded ? ExitCodes.Success
            : result.Attempts.Count > 0 && result.Attempts.Any(a => a.Damaged) ? ExitCodes.Integrity : ExitCodes.Failed;
    }

    private static void Render(CommandContext ctx, FilesRestoreResult result)
    {
        if (ctx.Output.Json)
        {
            ctx.Output.WriteJson(new
            {
                ok = result.Succeeded,
                result.BackupId,
                result.Directory,
                result.ServedBy,
                result.Files,
                result.Bytes,
                result.Skipped,
                result.Attempts,
                durationSeconds = Math.Round(result.Duration.TotalSeconds, 2),
                result.Error,
            });
            return;
        }

        foreach (var a in result.Attempts.Where(a => !a.Succeeded))
        {
            ctx.Output.Progress.MarkupLine($"[yellow]{Markup.Escape(a.Target)} failed:[/] {Markup.Escape(a.Error ?? "")}");
        }

        foreach (var s in result.Skipped)
        {
            ctx.Output.Progress.MarkupLine($"[yellow]not restored (not a regular file):[/] {Markup.Escape(s)}");
        }

        ctx.Output.Console.MarkupLine(result.Succeeded
            ? $"[green]restored[/] {result.Files} files ({CliOutput.Size(result.Bytes)}) of {Markup.Escape(result.BackupId)} into {Markup.Escape(result.Directory)}, served by {Markup.Escape(result.ServedBy ?? "")}, in {result.Duration.TotalSeconds:F1} s"
            : $"[red]restore failed, nothing was restored:[/] {Markup.Escape(result.Error ?? "")}");
    }
}
