using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.DurableTask.Converters;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>
/// The JSON data converter of the test engine, which also remembers what it deserialized. The worker deserializes an
/// activity's input exactly once per attempt, as the activity's input type, so the inputs of a type that only an
/// activity takes (UploadRequest, VerifyChecksumRequest, WriteManifestRequest, ...) are that activity's attempts, in
/// order. The in-memory engine keeps no history of a finished instance, so this is how a test counts retries.
/// </summary>
public sealed class RecordingDataConverter(JsonSerializerOptions options) : JsonDataConverter(options)
{
    private readonly ConcurrentQueue<object> _seen = new();

    /// <summary>Runs on the worker thread that is about to hand the value to its task, before the task sees it.</summary>
    public Action<object>? OnDeserialized { get; set; }

    public override object? Deserialize(string? data, Type targetType)
    {
        var value = base.Deserialize(data, targetType);
        if (value is not null)
        {
            _seen.Enqueue(value);
            OnDeserialized?.Invoke(value);
        }

        return value;
    }

    /// <summary>Every value of type <typeparamref name="T"/> deserialized so far, in order.</summary>
    public IReadOnlyList<T> Inputs<T>() => _seen.OfType<T>().ToList();
}
