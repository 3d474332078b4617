using System.Text.Json;

namespace BackupFunctions.Functions.Tests.Package;

/// <summary>One function of functions.metadata: its name and its bindings as written.</summary>
public sealed record FunctionEntry(string Name, IReadOnlyList<JsonElement> Bindings)
{
    public static FunctionEntry From(JsonElement function) =>
        new(function.GetProperty("name").GetString()!, function.GetProperty("bindings").EnumerateArray().ToList());

    /// <summary>The binding of the given type (e.g. "timerTrigger"), or null.</summary>
    public JsonElement? Binding(string type) =>
        Bindings.Where(b => string.Equals(Text(b, "type"), type, StringComparison.OrdinalIgnoreCase)).Select(b => (JsonElement?)b).FirstOrDefault();

    public bool Has(string type) => Binding(type) is not null;

    public static string? Text(JsonElement binding, string property) =>
        binding.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
