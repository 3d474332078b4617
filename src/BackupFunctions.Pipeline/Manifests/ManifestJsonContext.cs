using System.Text.Json.Serialization;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// The manifest's serialization metadata, generated at build time instead of built by reflection on the first manifest
/// of every process. <see cref="ManifestSerializer.Options"/> still sets the format (camelCase, enums as strings,
/// nullable annotations respected), so the bytes are the same as before (ManifestSourceGenerationTests). Measured, it
/// did not make the first manifest cheaper: the generated code's generic instantiations over value types are not in
/// any ReadyToRun image either, so the JIT compiles them instead (docs/benchmarks.md, issue 17, "backupctl's start-up").
/// </summary>
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
