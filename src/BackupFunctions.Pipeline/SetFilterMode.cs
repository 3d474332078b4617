namespace BackupFunctions.Pipeline;

/// <summary>
/// Whether a restore filters the SQL on its way to the server (see <see cref="Scripts.SqlScriptFilter"/>):
/// pg_restore then writes a script (<c>-f -</c>) that the filter passes to psql, instead of
/// restoring into the database itself.
/// </summary>
public enum SetFilterMode
{
    /// <summary>Filter only when the chosen pg_restore is of a newer major than the target server.</summary>
    Auto,
    /// <summary>Always go through the filter and psql (drops nothing a server knows).</summary>
    Always,
    /// <summary>Never filter: pg_restore restores into the database itself.</summary>
    Never,
}

/// <summary>The one place that decides <see cref="SetFilterMode"/>, for restores and merges alike.</summary>
public static class SetFilter
{
    public static bool IsNeeded(SetFilterMode mode, int clientMajor, int serverMajor) => mode switch
    {
        SetFilterMode.Always => true,
        SetFilterMode.Never => false,
        // Only a newer pg_restore writes settings the server may not know.
        _ => clientMajor > serverMajor,
    };
}
