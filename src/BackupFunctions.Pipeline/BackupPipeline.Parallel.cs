using BackupFunctions.Pipeline.Processes;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackupFunctions.Pipeline;

/// <summary>The choice between one streamed custom-format archive and a parallel directory dump.</summary>
public sealed partial class BackupPipeline
{
    /// <summary>Room kept free beyond the database's size, for everything else on the same disk.</summary>
    private const long ScratchHeadroomBytes = 256L << 20;

    /// <summary>
    /// The (not yet existing) directory for <c>pg_dump --format=directory</c>, or null to stream one archive.
    /// The worst case on disk is the whole plain dump (if the encoder fell behind pg_dump all along), so
    /// the database's size must be free; a dump that still fills the disk fails with pg_dump's error,
    /// and no earlier backup is touched.
    /// </summary>
    private async Task<string?> PlanParallelDumpAsync(NpgsqlConnection conn, PgConnectionInfo source, BackupOptions options, CancellationToken ct)
    {
        if (options.DumpJobs <= 1) return null;
        if (string.IsNullOrWhiteSpace(options.ScratchDirectory))
        {
            LogParallelSkipped(_logger, source.ToString(), options.DumpJobs, "no scratch directory was given");
            return null;
        }

        await using var cmd = new NpgsqlCommand("SELECT pg_database_size(current_database())", conn);
        var size = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        if (size < options.ParallelMinDatabaseBytes) return null;

        long free;
        try
        {
            System.IO.Directory.CreateDirectory(options.ScratchDirectory);
            free = ScratchSpace.FreeBytes(options.ScratchDirectory, options.FreeSpaceProbe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogParallelSkipped(_logger, source.ToString(), options.DumpJobs, $"the scratch directory {options.ScratchDirectory} cannot be used ({e.Message})");
            return null;
        }
        if (free < size + ScratchHeadroomBytes)
        {
            LogParallelSkipped(_logger, source.ToString(), options.DumpJobs,
                $"{options.ScratchDirectory} has {free} bytes free and the database is {size} bytes");
            return null;
        }
        // pg_dump creates it (mode 0700) and refuses one that exists.
        return Path.Combine(options.ScratchDirectory, $"dump-{Guid.NewGuid():N}.d");
    }

    private void TryDeleteScratch(string directory)
    {
        if (ScratchSpace.TryDeleteDirectory(directory) is { } reason) LogScratchLeft(_logger, directory, reason);
    }

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Dumping {Database} with pg_dump --jobs={Jobs} into {Directory}, streaming each table file as it is written")]
    private static partial void LogParallelDump(ILogger logger, string database, int jobs, string directory);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Dumping {Database} as one stream, not with --jobs={Jobs}, because {Reason}")]
    private static partial void LogParallelSkipped(ILogger logger, string database, int jobs, string reason);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Warning, Message = "Could not delete the parallel dump's scratch directory {Directory}: {Reason}")]
    private static partial void LogScratchLeft(ILogger logger, string directory, string reason);
}
