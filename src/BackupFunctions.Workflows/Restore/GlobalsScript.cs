using System.Text.RegularExpressions;

namespace BackupFunctions.Workflows.Restore;

/// <summary>
/// The role statements of a <c>pg_dumpall --globals-only</c> script, grouped by role: what is needed
/// to recreate a role that is missing on the destination, and nothing that would change one that exists.
/// </summary>
public sealed partial class GlobalsScript
{
    private GlobalsScript(IReadOnlyList<RoleDefinition> roles, IReadOnlySet<string>? rolesUsed)
    {
        Roles = roles;
        RolesUsedByDatabase = rolesUsed;
    }

    public IReadOnlyList<RoleDefinition> Roles { get; }

    /// <summary>
    /// The roles the backed-up database uses (owners, grantees, policy roles, role settings), by name; null for
    /// backups taken before this was recorded.
    /// </summary>
    public IReadOnlySet<string>? RolesUsedByDatabase { get; }

    public static GlobalsScript Parse(string sql)
    {
        var byName = new Dictionary<string, RoleDefinition>(StringComparer.Ordinal);
        var order = new List<string>();
        RoleDefinition Get(string ident)
        {
            if (!byName.TryGetValue(ident, out var role))
            {
                byName[ident] = role = new RoleDefinition(ident, Unquote(ident));
                order.Add(ident);
            }

            return role;
        }

        HashSet<string>? used = null;
        foreach (var raw in sql.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith(Operations.DatabaseRoleUsage.Marker, StringComparison.Ordinal))
            {
                used = [.. Identifiers().Matches(line[Operations.DatabaseRoleUsage.Marker.Length..]).Select(m => Unquote(m.Value))];
            }
            else if (CreateRole().Match(line) is { Success: true } create)
            {
                Get(create.Groups["role"].Value).Statements.Insert(0, line);
            }
            else if (AlterRole().Match(line) is { Success: true } alter)
            {
                Get(alter.Groups["role"].Value).Statements.Add(line);
            }
            else if (Grant().Match(line) is { Success: true } grant)
            {
                // The grantor may not exist on the destination; the restoring role grants instead.
                var member = Get(grant.Groups["member"].Value);
                member.MemberOf.Add(Unquote(grant.Groups["role"].Value));
                member.Memberships.Add($"GRANT {grant.Groups["role"].Value} TO {grant.Groups["member"].Value}{GrantedBy().Replace(grant.Groups["rest"].Value, "")};");
            }
        }

        return new GlobalsScript(
            order.Select(n => byName[n]).Where(r => r.Statements.Count > 0 && r.Statements[0].StartsWith("CREATE ROLE", StringComparison.Ordinal)).ToList(),
            used);
    }

    private static string Unquote(string ident) =>
        ident.StartsWith('"') && ident.EndsWith('"') && ident.Length >= 2 ? ident[1..^1].Replace("\"\"", "\"") : ident;

    private const string Ident = """(?:"(?:[^"]|"")+"|[^\s;"]+)""";

    [GeneratedRegex($"^CREATE ROLE (?<role>{Ident});$")]
    private static partial Regex CreateRole();

    [GeneratedRegex($"^ALTER ROLE (?<role>{Ident}) (?:WITH |SET |IN DATABASE ).*;$")]
    private static partial Regex AlterRole();

    [GeneratedRegex($"^GRANT (?<role>{Ident}) TO (?<member>{Ident})(?<rest>.*);$")]
    private static partial Regex Grant();

    [GeneratedRegex(Ident)]
    private static partial Regex Identifiers();

    [GeneratedRegex(" GRANTED BY .*$")]
    private static partial Regex GrantedBy();
}

/// <summary>One role: its CREATE and ALTER statements, and the memberships granted to it.</summary>
public sealed record RoleDefinition(string Identifier, string Name)
{
    public List<string> Statements { get; } = [];

    public List<string> Memberships { get; } = [];

    /// <summary>The roles granted to this one (by name), in the same order as <see cref="Memberships"/>.</summary>
    public List<string> MemberOf { get; } = [];
}
