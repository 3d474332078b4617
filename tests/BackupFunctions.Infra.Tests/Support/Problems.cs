namespace BackupFunctions.Infra.Tests.Support;

internal static class Problems
{
    /// <summary>Fails with every problem on its own line (Assert.Empty would cut them short).</summary>
    public static void AssertNone(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, $"{list.Count} problem(s):\n" + string.Join("\n", list));
    }
}
