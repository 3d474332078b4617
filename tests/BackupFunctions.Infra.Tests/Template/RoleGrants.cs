using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BackupFunctions.Infra.Tests.Template;

/// <summary>A role assignment in the template: the role's definition id, and the resource type and parameter it is scoped to.</summary>
internal sealed record RoleGrant(string RoleId, string ScopeType, string ScopeParameter, string Principal, string Module)
{
    public override string ToString() => $"{RoleNames.Of(RoleId)} on {ScopeType} {ScopeParameter} to {Principal} ({Module})";
}

/// <summary>Reads the role assignments out of a compiled template, resolving the variables and copy loops they use.</summary>
internal static partial class RoleGrants
{
    public static IReadOnlyList<RoleGrant> Of(JsonObject template) =>
        TemplateResource.All(template)
            .Where(r => r.Type == "Microsoft.Authorization/roleAssignments")
            .SelectMany(Grants)
            .ToList();

    private static IEnumerable<RoleGrant> Grants(TemplateResource r)
    {
        var definition = (string?)r.Resource["properties"]?["roleDefinitionId"] ?? "";
        var scope = (string?)r.Resource["scope"] ?? "(resource group)";
        var scopeMatch = ScopeExpression().Match(scope);
        var scopeType = scopeMatch.Success ? scopeMatch.Groups["type"].Value : scope;
        var scopeParameter = scopeMatch.Success ? scopeMatch.Groups["param"].Value : scope;
        var principal = (string?)r.Resource["properties"]?["principalId"] ?? "";
        var variables = r.Template["variables"] as JsonObject ?? [];
        var roles = Resolve(definition, variables, depth: 0).Distinct().ToList();
        if (roles.Count == 0)
        {
            // A role the reader cannot resolve is reported as itself, so an unexpected form fails the test.
            roles.Add(definition);
        }

        return roles.Select(role => new RoleGrant(role, scopeType, scopeParameter, principal, r.Module));
    }

    /// <summary>The role definition GUIDs an expression can produce: literal GUIDs, and those of the variables it reads.</summary>
    private static IEnumerable<string> Resolve(string expression, JsonObject variables, int depth)
    {
        if (depth > 5)
        {
            yield break;
        }

        foreach (Match guid in Guid().Matches(expression))
        {
            yield return guid.Value.ToLowerInvariant();
        }

        foreach (Match reference in VariableReference().Matches(expression))
        {
            var value = variables[reference.Groups["name"].Value];
            if (reference.Groups["prop"].Success)
            {
                value = value?[reference.Groups["prop"].Value];
            }

            foreach (var text in Strings(value))
            {
                foreach (var role in Resolve(text, variables, depth + 1))
                {
                    yield return role;
                }
            }
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        JsonArray a => a.SelectMany(Strings),
        JsonObject o => o.Select(kv => kv.Value).SelectMany(Strings),
        _ => [],
    };

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"variables\('(?<name>\w+)'\)(\.(?<prop>\w+))?")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"resourceId\('(?<type>[^']+)',\s*parameters\('(?<param>\w+)'\)\)")]
    private static partial Regex ScopeExpression();
}

/// <summary>The built-in roles by definition id (Azure's fixed GUIDs).</summary>
internal static class RoleNames
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";

    public static string Of(string id) => id switch
    {
        StorageBlobDataOwner => "Storage Blob Data Owner",
        StorageQueueDataContributor => "Storage Queue Data Contributor",
        StorageTableDataContributor => "Storage Table Data Contributor",
        StorageBlobDataContributor => "Storage Blob Data Contributor",
        KeyVaultSecretsUser => "Key Vault Secrets User",
        Contributor => "Contributor",
        _ => id,
    };
}
