using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BackupFunctions.Infra.Tests.Template;

/// <summary>
/// What the compiled template must hold, each check listing the problems it finds (empty: fine), so a test can also
/// show that a deliberately broken template is caught.
/// </summary>
internal static partial class TemplateChecks
{
    /// <summary>Every Function App runs the .NET 10 isolated worker.</summary>
    public static IReadOnlyList<string> Runtime(JsonObject template)
    {
        var problems = new List<string>();
        var apps = FunctionApps(template).ToList();
        if (apps.Count == 0)
        {
            problems.Add("no Function App (Microsoft.Web/sites of kind functionapp) in the template");
        }

        foreach (var app in apps)
        {
            var props = app.Resource["properties"];
            var runtime = props?["functionAppConfig"]?["runtime"];
            var fx = (string?)props?["siteConfig"]?["linuxFxVersion"];
            var flexOk = (string?)runtime?["name"] == "dotnet-isolated" && (string?)runtime?["version"] == "10.0";
            var fxOk = string.Equals(fx, "DOTNET-ISOLATED|10.0", StringComparison.OrdinalIgnoreCase);
            if (!flexOk && !fxOk)
            {
                problems.Add($"{app.Module}: runtime is {runtime?.ToJsonString() ?? fx ?? "not set"}, not dotnet-isolated 10.0");
            }

            if ((string?)app.Resource["identity"]?["type"] != "SystemAssigned")
            {
                problems.Add($"{app.Module}: the app has no system-assigned identity");
            }
        }

        return problems;
    }

    /// <summary>HTTPS only and TLS 1.2 at least, on the app and on every storage account; no shared keys on storage.</summary>
    public static IReadOnlyList<string> Transport(JsonObject template)
    {
        var problems = new List<string>();
        foreach (var app in FunctionApps(template))
        {
            var props = app.Resource["properties"];
            Expect(problems, app, props?["httpsOnly"], true, "httpsOnly");
            Expect(problems, app, props?["siteConfig"]?["minTlsVersion"], "1.2", "siteConfig.minTlsVersion");
            Expect(problems, app, props?["siteConfig"]?["scmMinTlsVersion"], "1.2", "siteConfig.scmMinTlsVersion");
            Expect(problems, app, props?["siteConfig"]?["ftpsState"], "Disabled", "siteConfig.ftpsState");
        }

        var accounts = TemplateResource.All(template).Where(r => r.Type == "Microsoft.Storage/storageAccounts" && r.Resource["existing"] is null).ToList();
        if (accounts.Count == 0)
        {
            problems.Add("no storage account in the template");
        }

        foreach (var account in accounts)
        {
            var props = account.Resource["properties"];
            Expect(problems, account, props?["minimumTlsVersion"], "TLS1_2", "minimumTlsVersion");
            Expect(problems, account, props?["supportsHttpsTrafficOnly"], true, "supportsHttpsTrafficOnly");
            Expect(problems, account, props?["allowSharedKeyAccess"], false, "allowSharedKeyAccess");
            Expect(problems, account, props?["allowBlobPublicAccess"], false, "allowBlobPublicAccess");
        }

        return problems;
    }

    /// <summary>
    /// No secret as a literal: secure parameters have no default but an empty one, Key Vault secret values and secure
    /// module inputs are expressions, and no string in the template looks like a credential or reads an account key.
    /// </summary>
    public static IReadOnlyList<string> Secrets(JsonObject template)
    {
        var problems = new List<string>();
        foreach (var (module, nested) in Templates(template))
        {
            foreach (var name in SecureParameters(nested))
            {
                var value = nested["parameters"]![name]!["defaultValue"];
                if (value is not null && value.ToJsonString() is not ("\"\"" or "{}"))
                {
                    problems.Add($"{module}: secure parameter {name} has a default value");
                }
            }
        }

        foreach (var secret in TemplateResource.All(template).Where(r => r.Type == "Microsoft.KeyVault/vaults/secrets"))
        {
            // The value must be an expression over one of the declaring template's secure parameters.
            var value = (string?)secret.Resource["properties"]?["value"] ?? "";
            var secureParameters = SecureParameters(secret.Template);
            var readsSecure = value.StartsWith('[') && secureParameters.Any(p => value.Contains($"parameters('{p}')", StringComparison.Ordinal));
            if (!readsSecure)
            {
                problems.Add($"{secret.Module}: Key Vault secret {secret.Symbol} is not set from a secure parameter (value '{Shown(value)}')");
            }
        }

        foreach (var text in Strings(template))
        {
            if (CredentialLike().Match(text) is { Success: true } m)
            {
                problems.Add($"a string in the template looks like a credential ({m.Value[..Math.Min(12, m.Value.Length)]}…)");
            }
        }

        return problems;
    }

    private static IReadOnlyList<string> SecureParameters(JsonObject template) =>
        (template["parameters"] as JsonObject ?? []).Where(kv => (string?)kv.Value?["type"] is "securestring" or "secureObject").Select(kv => kv.Key).ToList();

    public static IEnumerable<TemplateResource> FunctionApps(JsonObject template) =>
        TemplateResource.All(template).Where(r => r.Type == "Microsoft.Web/sites" && ((string?)r.Resource["kind"] ?? "").Contains("functionapp", StringComparison.Ordinal));

    private static IEnumerable<(string Module, JsonObject Template)> Templates(JsonObject template) =>
        new[] { ("main", template) }.Concat(TemplateResource.All(template)
            .Where(r => r.Type == "Microsoft.Resources/deployments" && r.Resource["properties"]?["template"] is JsonObject)
            .Select(r => ((string?)r.Resource["name"] ?? r.Symbol, r.Resource["properties"]!["template"]!.AsObject())));

    private static void Expect(List<string> problems, TemplateResource r, JsonNode? actual, object expected, string property)
    {
        var ok = expected switch
        {
            bool b => actual is JsonValue v && v.TryGetValue<bool>(out var a) && a == b,
            string s => actual is JsonValue v && v.TryGetValue<string>(out var a) && a == s,
            _ => false,
        };
        if (!ok)
        {
            problems.Add($"{r.Module}: {r.Type} {property} is {actual?.ToJsonString() ?? "not set"}, not {expected.ToString()!.ToLowerInvariant()}");
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        JsonArray a => a.SelectMany(Strings),
        JsonObject o => o.SelectMany(kv => Strings(kv.Value)),
        _ => [],
    };

    private static string Shown(string? value) => value is null ? "null" : value.Length <= 4 ? "****" : value[..2] + "…";

    // Connection strings with keys or passwords, SAS tokens, PEM keys, AWS access key ids, and reading account keys.
    [GeneratedRegex(@"AccountKey=|Password=[^;\s'""]|SharedAccessSignature=|sig=[A-Za-z0-9%]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY|AKIA[0-9A-Z]{16}|listKeys\(|listkeys\(", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialLike();
}
