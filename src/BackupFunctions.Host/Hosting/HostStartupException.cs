namespace BackupFunctions.Host.Hosting;

/// <summary>The settings do not allow the host to start; the message lists each problem and what to change.</summary>
public sealed class HostStartupException : Exception
{
    public HostStartupException(string message)
        : this([message])
    {
    }

    public HostStartupException(IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : $"{problems.Count} problems in the settings:\n  - " + string.Join("\n  - ", problems)) =>
        Problems = problems;

    /// <summary>One sentence per problem.</summary>
    public IReadOnlyList<string> Problems { get; }
}
