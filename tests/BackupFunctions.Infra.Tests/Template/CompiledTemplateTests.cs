using BackupFunctions.Infra.Tests.Support;
using System.Text.Json.Nodes;

namespace BackupFunctions.Infra.Tests.Template;

/// <summary>
/// main.bicep compiled to ARM JSON: the Function App runs dotnet-isolated 10.0, its identity holds exactly the roles
/// it needs, no secret is a literal, and HTTPS only with TLS 1.2 is on. Each check is also run on a broken copy of
/// the template, to show it catches what it is for.
/// </summary>
public sealed class CompiledTemplateTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    /// <summary>(role, scope resource type, the module parameter naming the scope) and nothing else.</summary>
    private static readonly (string Role, string ScopeType, string ScopeParameter)[] NeededRoles =
    [
        (RoleNames.StorageBlobDataOwner, "Microsoft.Storage/storageAccounts", "runtimeStorageName"),
        (RoleNames.StorageQueueDataContributor, "Microsoft.Storage/storageAccounts", "runtimeStorageName"),
        (RoleNames.StorageTableDataContributor, "Microsoft.Storage/storageAccounts", "runtimeStorageName"),
        (RoleNames.StorageBlobDataContributor, "Microsoft.Storage/storageAccounts", "backupStorageName"),
        (RoleNames.KeyVaultSecretsUser, "Microsoft.KeyVault/vaults", "keyVaultName"),
    ];

    [Fact]
    public void TheFunctionAppRunsTheDotnetIsolatedWorker()
    {
        var template = compiled.Parse();

        Problems.AssertNone(TemplateChecks.Runtime(template));
        Assert.Single(TemplateChecks.FunctionApps(template));
    }

    [Fact]
    public void TheAppIdentityHasExactlyTheRolesItNeeds()
    {
        var grants = RoleGrants.Of(compiled.Parse());

        var actual = grants.Select(g => (g.RoleId, g.ScopeType, g.ScopeParameter)).OrderBy(g => g.ToString()).ToList();
        Assert.Equal(NeededRoles.OrderBy(g => g.ToString()).ToList(), actual);
        // Every grant goes to the app's identity, handed in from the function-app module's output.
        Assert.All(grants, g => Assert.Equal("[parameters('principalId')]", g.Principal));
        var rolesModule = TemplateResource.All(compiled.Parse()).Single(r => (string?)r.Resource["name"] == "app-roles");
        Assert.Contains("reference('functionApp').outputs.principalId", (string?)rolesModule.Resource["properties"]!["parameters"]!["principalId"]!["value"]);
    }

    [Fact]
    public void NoSecretIsALiteral()
    {
        var template = compiled.Parse();

        Problems.AssertNone(TemplateChecks.Secrets(template));
        // The one way secrets enter a deployment is a secure parameter with an empty default.
        var secretValues = template["parameters"]!["secretValues"]!;
        Assert.Equal("secureObject", (string?)secretValues["type"]);
    }

    [Fact]
    public void HttpsOnlyAndTls12AreOn()
    {
        Problems.AssertNone(TemplateChecks.Transport(compiled.Parse()));
    }

    [Fact]
    public void AnExtraRoleIsCaught()
    {
        var template = compiled.Parse();
        var roles = (JsonObject)TemplateResource.All(template).Single(r => (string?)r.Resource["name"] == "app-roles").Resource["properties"]!["template"]!;
        roles["variables"]!["roles"]!["storageBlobDataOwner"] = RoleNames.Contributor;

        var grants = RoleGrants.Of(template).Select(g => g.RoleId).ToList();

        Assert.Contains(RoleNames.Contributor, grants);
        Assert.DoesNotContain(RoleNames.StorageBlobDataOwner, grants);
    }

    [Fact]
    public void ALiteralSecretIsCaught()
    {
        var template = compiled.Parse();
        template["parameters"]!["secretValues"]!["defaultValue"] = new JsonObject { ["admin-key"] = "correct-horse-battery" };
        var secret = TemplateResource.All(template).Single(r => r.Type == "Microsoft.KeyVault/vaults/secrets");
        secret.Resource["properties"]!["value"] = "correct-horse-battery";
        var app = TemplateChecks.FunctionApps(template).Single();
        app.Resource["properties"]!["siteConfig"]!["appSettings"] = "Server=db;Password=hunter2";

        var problems = TemplateChecks.Secrets(template);

        Assert.Contains(problems, p => p.Contains("secure parameter secretValues has a default value", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("is not set from a secure parameter", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("looks like a credential", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("hunter2", StringComparison.Ordinal) || p.Contains("correct-horse", StringComparison.Ordinal));
    }

    [Fact]
    public void WeakTransportAndAnotherRuntimeAreCaught()
    {
        var template = compiled.Parse();
        var app = TemplateChecks.FunctionApps(template).Single().Resource;
        app["properties"]!["httpsOnly"] = false;
        app["properties"]!["siteConfig"]!["minTlsVersion"] = "1.0";
        app["properties"]!["functionAppConfig"]!["runtime"]!["name"] = "node";
        var account = TemplateResource.All(template).First(r => r.Type == "Microsoft.Storage/storageAccounts").Resource;
        account["properties"]!["allowSharedKeyAccess"] = true;

        var transport = TemplateChecks.Transport(template);

        Assert.Contains(transport, p => p.Contains("httpsOnly", StringComparison.Ordinal));
        Assert.Contains(transport, p => p.Contains("minTlsVersion is \"1.0\"", StringComparison.Ordinal));
        Assert.Contains(transport, p => p.Contains("allowSharedKeyAccess", StringComparison.Ordinal));
        Assert.Single(TemplateChecks.Runtime(template));
    }
}
