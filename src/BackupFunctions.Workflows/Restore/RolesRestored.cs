namespace BackupFunctions.Workflows.Restore;

/// <summary>
/// What a restore did about roles: <see cref="Created"/> were missing on the destination and used by the database (or
/// members of such roles); <see cref="NotCreated"/> were missing too but the database does not use them, so they were
/// left out (the report lists them, for an operator who wants them all the same).
/// </summary>
public sealed record RolesRestored(IReadOnlyList<string> Created, IReadOnlyList<string> NotCreated)
{
    public static readonly RolesRestored None = new([], []);
}
