using System.CommandLine;
using BackupFunctions.Pipeline.Processes;
using Npgsql;
using Spectre.Console;

namespace BackupFunctions.Cli;

/// <summary>
/// How restore and dr get the destination server's password without it showing in <c>ps</c> or the
/// shell history: --password-env NAME, --password-stdin, or a password file (PGPASSFILE or ~/.pgpass,
/// read by Npgsql and by pg_restore). A Password= in --to still works, with a warning.
/// </summary>
public sealed class DestinationPasswordOptions
{
    public Option<string?> FromEnvironment { get; } = new("--password-env")
    {
        Description = "Name of an environment variable holding the destination server's password (instead of Password= in --to).",
    };

    public Option<bool> FromStdin { get; } = new("--password-stdin")
    {
        Description = "Read the destination server's password from the first line of standard input.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(FromEnvironment);
        command.Options.Add(FromStdin);
    }

    /// <summary>
    /// <paramref name="destination"/> with its password from the chosen source, if any. A password
    /// given in two ways is a usage error: which one is meant is unclear.
    /// </summary>
    public PgConnectionInfo Resolve(ParseResult parse, PgConnectionInfo destination, CommandContext ctx)
    {
        var envName = parse.GetValue(FromEnvironment);
        var stdin = parse.GetValue(FromStdin);
        var given = (destination.Password is { Length: > 0 } ? 1 : 0) + (envName is null ? 0 : 1) + (stdin ? 1 : 0);
        if (given > 1)
        {
            throw new UsageException("Give the destination password one way only: Password= in --to, --password-env or --password-stdin.");
        }

        if (envName is not null)
        {
            var value = Environment.GetEnvironmentVariable(envName);
            return string.IsNullOrEmpty(value)
                ? throw new UsageException($"--password-env {envName}: the environment variable {envName} is not set or empty.")
                : destination with { Password = value };
        }

        if (stdin)
        {
            var line = Console.In.ReadLine();
            return string.IsNullOrEmpty(line)
                ? throw new UsageException("--password-stdin: standard input held no password (an empty first line).")
                : destination with { Password = line };
        }

        if (destination.Password is { Length: > 0 })
        {
            ctx.Output.Progress.MarkupLine("[yellow]warning:[/] a password in --to is visible to other users in the process list and stays in your shell history; " +
                "prefer --password-env, --password-stdin or a password file (PGPASSFILE).");
        }

        return destination;
    }

    /// <summary><paramref name="connectionString"/> without its password: what may be stored in a durable request.</summary>
    public static string WithoutPassword(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        b.Remove("Password");
        return b.ConnectionString;
    }
}
