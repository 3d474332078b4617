using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace BackupFunctions.Cli.Output;

/// <summary>
/// Where a command's output goes: JSON on stdout for machines (--json), or tables on stdout and
/// progress on stderr for people. Progress never goes to stdout, so piping a table stays clean.
/// </summary>
public sealed class CliOutput(bool json)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public bool Json { get; } = json;

    public IAnsiConsole Console { get; } = Wide(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) }), System.Console.IsOutputRedirected);

    public IAnsiConsole Progress { get; } = Wide(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) }), System.Console.IsErrorRedirected);

    public void WriteJson(object value) => System.Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>A progress line for people (stderr); silent in JSON mode.</summary>
    public void Step(string message)
    {
        if (!Json)
        {
            Progress.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(message)}");
        }
    }

    public void Error(string message, int exitCode)
    {
        if (Json)
        {
            WriteJson(new { ok = false, exitCode, error = message });
        }
        else
        {
            Progress.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        }
    }

    // Redirected output has no terminal width; Spectre would assume 80 columns and wrap object keys.
    private static IAnsiConsole Wide(IAnsiConsole console, bool redirected)
    {
        if (redirected)
        {
            console.Profile.Width = 240;
        }

        return console;
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:F1} MiB",
        _ => $"{bytes / 1024.0 / 1024 / 1024:F2} GiB",
    };
}
