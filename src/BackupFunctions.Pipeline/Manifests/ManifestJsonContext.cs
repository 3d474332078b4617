using System.Text.Json.Serialization;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// The manifest's serialization code, generated at build time. With reflection, System.Text.Json built its converters
/// for <see cref="BackupManifest"/> on the first manifest of every process: about 400 methods compiled by the JIT (the
/// ReadyToRun image cannot hold them), 0.1-0.2 s of every backupctl command that reads or writes a manifest
/// (docs/benchmarks.md, issue 17, session 10). <see cref="ManifestSerializer.Options"/> still sets the format
/// (camelCase, enums as strings, nullable annotations respected), so the bytes are the same as before.
/// </summary>
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
