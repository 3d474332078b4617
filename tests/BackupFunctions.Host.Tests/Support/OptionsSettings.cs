using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// Turns a <see cref="BackupFunctionsOptions"/> built in code (e.g. three real targets and a key file) into the
/// "BackupFunctions:..." settings a host reads, so end-to-end tests configure hosts from the same objects the
/// workflow tests use. Nulls and empty strings are left out (they are the defaults), and so is Control: the control
/// database comes from <see cref="HostSettings.For"/>, as does the task hub (BackupFunctions:TaskHub).
/// </summary>
public static class OptionsSettings
{
    public static Dictionary<string, string?> WithOptions(this Dictionary<string, string?> settings, BackupFunctionsOptions options)
    {
        var node = JsonSerializer.SerializeToNode(options)!.AsObject();
        // The control database is the host's own (HostSettings.For); an unset Control must not replace it.
        node.Remove(nameof(BackupFunctionsOptions.Control));
        Flatten(node, BackupFunctionsOptions.SectionName, settings);
        return settings;
    }

    private static void Flatten(JsonNode? node, string path, Dictionary<string, string?> into)
    {
        switch (node)
        {
            case null:
                return;
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    Flatten(child, $"{path}:{key}", into);
                }

                return;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(array[i], $"{path}:{i.ToString(CultureInfo.InvariantCulture)}", into);
                }

                return;
            case JsonValue value:
                var text = value.GetValueKind() switch
                {
                    JsonValueKind.String => value.GetValue<string>(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => value.ToJsonString(),
                };
                if (!string.IsNullOrEmpty(text))
                {
                    into[path] = text;
                }

                return;
        }
    }
}
