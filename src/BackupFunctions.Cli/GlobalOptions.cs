using System.CommandLine;

namespace BackupFunctions.Cli;

/// <summary>Options every command takes, and the one place errors become exit codes.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "Settings file (default: $BACKUPFUNCTIONS_CONFIG, else ./backupfunctions.json). Environment variables override it.",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON on stdout.", Recursive = true };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Log each step to stderr.", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Config);
        root.Options.Add(Json);
        root.Options.Add(Verbose);
    }

    public async Task<int> RunAsync(ParseResult parse, Func<CommandContext, Task<int>> body)
    {
        using var ctx = new CommandContext(parse.GetValue(Config), parse.GetValue(Json), parse.GetValue(Verbose));
        try
        {
            return await body(ctx);
        }
        catch (Exception e)
        {
            var (code, message) = ErrorMapping.Map(e);
            ctx.Output.Error(message, code);
            return code;
        }
    }
}
