using System.Text.Json.Serialization;

namespace BackupFunctions.Pipeline.Keys;

/// <summary>
/// The key file's (de)serialization code, generated at build time: every backupctl command reads a key file at start-up,
/// and reflection-based System.Text.Json compiled its converters with the JIT each time (docs/benchmarks.md, issue 17,
/// session 10). Indented on write, as before; reading is not affected by that option.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(KeyFile.Dto))]
internal sealed partial class KeyFileJsonContext : JsonSerializerContext;
