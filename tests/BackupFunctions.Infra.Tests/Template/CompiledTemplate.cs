using System.Text.Json.Nodes;
using BackupFunctions.Infra.Tests.Support;

namespace BackupFunctions.Infra.Tests.Template;

/// <summary>infra-bicep/main.bicep compiled to an ARM template by `bicep build`, once for all the template tests.</summary>
public sealed class CompiledTemplate
{
    public CompiledTemplate()
    {
        var result = BicepCli.RunAsync(RepositoryRoot.Infra, "build", "main.bicep", "--stdout").GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build main.bicep failed:\n{result.Output}");
        }

        Json = result.Stdout;
    }

    /// <summary>The template text; each test parses its own copy, so one that changes it cannot disturb another.</summary>
    public string Json { get; }

    public JsonObject Parse() => JsonNode.Parse(Json)!.AsObject();
}

/// <summary>One resource of the template and the (nested) template that declares it: its parameters and variables.</summary>
internal sealed record TemplateResource(string Symbol, JsonObject Resource, JsonObject Template, string Module)
{
    public string Type => (string?)Resource["type"] ?? "";

    /// <summary>Every resource, with the nested templates of modules (Microsoft.Resources/deployments) walked into.</summary>
    public static IEnumerable<TemplateResource> All(JsonObject template, string module = "main")
    {
        foreach (var (symbol, resource) in Resources(template))
        {
            var found = new TemplateResource(symbol, resource, template, module);
            yield return found;
            if (found.Type == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject inner)
            {
                foreach (var nested in All(inner, (string?)resource["name"] ?? symbol))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<(string, JsonObject)> Resources(JsonObject template) => template["resources"] switch
    {
        // languageVersion 2.0 (user-defined types) keys resources by symbol; 1.0 lists them.
        JsonObject byName => byName.Select(kv => (kv.Key, kv.Value!.AsObject())),
        JsonArray list => list.Select((r, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), r!.AsObject())),
        _ => [],
    };
}
