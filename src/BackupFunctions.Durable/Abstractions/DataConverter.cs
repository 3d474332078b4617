using System.Text.Json;

namespace BackupFunctions.Durable;

/// <summary>Turns inputs, outputs and events into text and back.</summary>
public abstract class DataConverter
{
    public abstract string? Serialize(object? value);

    public abstract object? Deserialize(string? data, Type targetType);

    public T? Deserialize<T>(string? data) => Deserialize(data, typeof(T)) is { } value ? (T)value : default;
}

/// <summary>System.Text.Json with web defaults (camelCase).</summary>
public sealed class JsonDataConverter(JsonSerializerOptions? options = null) : DataConverter
{
    public static JsonDataConverter Default { get; } = new();

    private readonly JsonSerializerOptions _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    public override string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), _options);

    public override object? Deserialize(string? data, Type targetType) =>
        data is null ? null : JsonSerializer.Deserialize(data, targetType, _options);
}
